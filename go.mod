module github.com/cxmhq/cxm

go 1.26

require (
	go.yaml.in/yaml/v4 v4.0.0
	gonum.org/v1/gonum v0.17.0
)
