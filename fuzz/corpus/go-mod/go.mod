module example.test/demo

go 1.21

require (
	github.com/google/uuid v1.4.0
	golang.org/x/net v0.19.0 // indirect
)

require github.com/stretchr/testify v1.8.4

replace github.com/google/uuid => github.com/google/uuid v1.5.0

replace example.test/local => ../local

exclude golang.org/x/net v0.18.0
