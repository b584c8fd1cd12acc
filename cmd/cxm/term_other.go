//go:build !unix

package main

import "os"

// terminalColumns is 0 where cxm does not ask the terminal: text is
// wrapped to $COLUMNS or 80.
func terminalColumns(*os.File) int { return 0 }
