// Command boltzmann trains, samples and evaluates energy-based models.
// Run `boltzmann help` for the commands.
package main

import (
	"os"

	"boltzmann/cmd/boltzmann/internal/root"
)

func main() {
	os.Exit(root.Main(os.Args[1:], os.Stdout, os.Stderr))
}
