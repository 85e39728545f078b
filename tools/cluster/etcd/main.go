// Command etcd is etcd's own entry point, built here because etcd's server
// module cannot be installed with `go install module@version` (its go.mod has
// replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
