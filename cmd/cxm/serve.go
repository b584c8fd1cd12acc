package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/mail"
	"github.com/cxmhq/cxm/server"
	"github.com/cxmhq/cxm/store"
	"github.com/spf13/cobra"
)

// dbFlag adds --db: an SQLite file path or a postgres:// URL.
func dbFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("db", "cxm.db", "database: an SQLite file (created if missing) or a postgres:// URL")
}

// openDB opens and migrates the database and stores the built-in
// frameworks, so every command sees the same installation.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	srv := server.New(db, slog.New(slog.DiscardHandler), server.Config{})
	if err := srv.SeedFrameworks(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Releases of assessments closed before releases existed (migration
	// 0005): SQL cannot score, so this step follows the migrations.
	if _, err := srv.MakeReleases(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("making releases: %w", err)
	}
	return db, nil
}

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web application",
		Long: `Run cxm as a multi-user web application: respondents answer at /r/{token},
facilitators run assessments and read results in the browser, scripts use the
JSON API under /api/v1 (described at /api/v1/openapi.json).

With --smtp and --mail-from, cxm sends sealed invitations and reminders itself:
each instance runs a mail worker over the queue kept in the database.

The database is migrated on start. While no administrator exists, a one-time
setup link is printed. SIGINT or SIGTERM stop it gracefully: requests in
flight are finished first.`,
		Args: args(cobra.NoArgs),
	}
	dsn := dbFlag(cmd)
	addr := cmd.Flags().String("addr", "127.0.0.1:8080", "address to listen on")
	baseURL := cmd.Flags().String("base-url", "", "public URL for invitation links (default: from each request)")
	secure := cmd.Flags().Bool("secure-cookies", false, "mark cookies Secure (set when served over HTTPS)")
	logLevel := cmd.Flags().String("log-level", "info", "log level: debug, info, warn, error")
	proxies := cmd.Flags().String("trusted-proxy", "", "addresses or CIDR ranges (comma-separated) of proxies whose X-Forwarded-For tells the client's address")
	checks := cmd.Flags().Int("max-password-checks", 0, "password checks (64 MiB each) run at once; 0: the number of processors, at most 4")
	smtpURL := cmd.Flags().String("smtp", "", "send sealed invitations and reminders through this SMTP server: smtp://user:password@host:587 (STARTTLS) or smtps://host:465 (TLS)")
	mailFrom := cmd.Flags().String("mail-from", "", "the From address of the mail cxm sends (required with --smtp)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		var level slog.Level
		if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
			return usagef("--log-level: %v", err)
		}
		trusted, err := server.ParseTrustedProxies(*proxies)
		if err != nil {
			return usagef("--trusted-proxy: %v", err)
		}
		if *checks < 0 {
			return usagef("--max-password-checks must be 0 (automatic) or more, not %d", *checks)
		}
		log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		db, err := openDB(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		worker, err := newMailWorker(db, log, *smtpURL, *mailFrom, *baseURL)
		if err != nil {
			return err
		}
		cfg := server.Config{BaseURL: *baseURL, SecureCookies: *secure, TrustedProxies: trusted, MaxPasswordChecks: *checks}
		if worker != nil {
			cfg.Mail = worker
			wctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); worker.Run(wctx) }()
			// After the requests: the message being sent is finished, the
			// leases given up.
			defer func() { cancel(); <-done }()
		}
		srv := server.New(db, log, cfg)
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return err
		}
		base := *baseURL
		if base == "" {
			base = "http://" + ln.Addr().String()
		}
		if n, err := db.CountUsers(ctx, cxm.RoleAdmin); err != nil {
			return err
		} else if n == 0 {
			link, err := srv.CreateSetupLink(ctx, base)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "No administrator yet. Open this link within 24 hours to create one (it works once):\n  %s\n", link)
		}
		err = serveUntilDone(ctx, log, ln, srv.Handler(), db.Engine(), base)
		// After the last request: the comments waiting for a batch are
		// written (server/comments.go).
		flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if ferr := srv.FlushComments(flush); ferr != nil {
			log.Error("comments not stored", "error", ferr)
		}
		return err
	}
	return cmd
}

// newMailWorker is the mail worker for --smtp, or nil without it.
func newMailWorker(db *store.DB, log *slog.Logger, smtpURL, from, baseURL string) (*mail.Worker, error) {
	if smtpURL == "" {
		if from != "" {
			return nil, usagef("--mail-from needs --smtp: the SMTP server to send through")
		}
		return nil, nil
	}
	client, err := mail.NewClient(smtpURL)
	if err != nil {
		return nil, usagef("--smtp: %v", err)
	}
	if from == "" {
		return nil, usagef("--smtp needs --mail-from: the address cxm's mail comes from")
	}
	if _, err := (mail.Message{From: from, To: "x@example.org"}).Bytes(); err != nil {
		return nil, usagef("--mail-from: %v", err)
	}
	if baseURL == "" {
		return nil, usagef("--smtp needs --base-url: the links cxm mails must point at cxm's public address")
	}
	base := strings.TrimRight(baseURL, "/")
	log.Info("mail is sent through", "smtp", client.String(), "from", from)
	return mail.NewWorker(db, client, mail.Config{
		From: from, Log: log,
		Link: func(token string) string { return base + "/r/" + token },
		Mint: func() (string, []byte) { t := server.NewToken(); return t, server.HashToken(t) },
	}), nil
}

// serveUntilDone serves until ctx ends, then drains requests in flight.
func serveUntilDone(ctx context.Context, log *slog.Logger, ln net.Listener, h http.Handler, engine, base string) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("cxm is serving", "url", base, "database", engine)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the database migrations (cxm serve also does on start)",
		Args:  args(cobra.NoArgs),
	}
	dsn := dbFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		db, err := store.Open(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		applied, err := db.Migrate(cmd.Context())
		if err != nil {
			return err
		}
		made, err := server.New(db, slog.New(slog.DiscardHandler), server.Config{}).MakeReleases(cmd.Context())
		if err != nil {
			return fmt.Errorf("making releases: %w", err)
		}
		if len(applied) == 0 && made == 0 {
			fmt.Fprintln(cmd.OutOrStdout(), "The database is up to date.")
		}
		for _, v := range applied {
			fmt.Fprintf(cmd.OutOrStdout(), "applied migration %04d\n", v)
		}
		if made > 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "made the releases of %d closed assessments\n", made)
		}
		return nil
	}
	return cmd
}

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage user accounts"}
	add := &cobra.Command{
		Use:   "add --email E --role admin|facilitator|viewer --password-stdin",
		Short: "Add a user; the password is read from standard input",
		Args:  args(cobra.NoArgs),
	}
	dsn := dbFlag(add)
	email := add.Flags().String("email", "", "the user's email (required)")
	role := add.Flags().String("role", "", "admin, facilitator or viewer (required)")
	stdin := add.Flags().Bool("password-stdin", false, "read the password from standard input (required: never on the command line)")
	add.RunE = func(cmd *cobra.Command, _ []string) error {
		if *email == "" || *role == "" || !*stdin {
			return usagef("--email, --role and --password-stdin are required")
		}
		if !cxm.Role(*role).Valid() {
			return usagef("--role must be admin, facilitator or viewer, not %q", *role)
		}
		password, err := readPassword(cmd.InOrStdin())
		if err != nil {
			return err
		}
		hash, err := server.HashPassword(password)
		if err != nil {
			return err
		}
		db, err := openDB(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		u, err := db.CreateUser(cmd.Context(), strings.ToLower(strings.TrimSpace(*email)), cxm.Role(*role), hash)
		if errors.Is(err, cxm.ErrConflict) {
			return fmt.Errorf("a user with email %s exists", *email)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s)\n", u.Email, u.Role)
		return nil
	}
	cmd.AddCommand(add)
	return cmd
}

// readPassword reads one line from r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	create := &cobra.Command{
		Use:   "create --email E",
		Short: "Create an API token for a user and print it (only once: only its hash is kept)",
		Args:  args(cobra.NoArgs),
	}
	dsn := dbFlag(create)
	email := create.Flags().String("email", "", "the user the token acts as (required)")
	name := create.Flags().String("name", "cli", "a name to recognize the token by")
	create.RunE = func(cmd *cobra.Command, _ []string) error {
		if *email == "" {
			return usagef("--email is required")
		}
		db, err := openDB(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		u, _, err := db.UserByEmail(cmd.Context(), strings.ToLower(strings.TrimSpace(*email)))
		if errors.Is(err, cxm.ErrNotFound) {
			return fmt.Errorf("no user with email %s", *email)
		}
		if err != nil {
			return err
		}
		if !u.Active {
			return fmt.Errorf("%s is deactivated: an admin reactivates them on the Users page first", u.Email)
		}
		token := server.NewToken()
		if _, err := db.CreateAPIToken(cmd.Context(), u.ID, *name, server.HashToken(token)); err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), token)
		return nil
	}
	cmd.AddCommand(create)
	return cmd
}

func newBackupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup --db FILE DEST",
		Short: "Write a consistent copy of a live SQLite database",
		Long: `Write a consistent copy of a live SQLite database to DEST, safely while cxm
serve keeps running (SQLite's VACUUM INTO). Restore: stop cxm serve, replace the
database file with the copy (and remove any -wal and -shm files beside it), start
again. For PostgreSQL use pg_dump.`,
		Args: args(cobra.ExactArgs(1)),
	}
	dsn := dbFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		db, err := store.Open(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Backup(cmd.Context(), a[0]); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", a[0])
		return nil
	}
	return cmd
}
