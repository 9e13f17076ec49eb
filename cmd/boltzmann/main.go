// Command boltzmann trains, samples and evaluates energy-based models.
// Run `boltzmann help` for the commands.
package main

import (
	"os"

	"boltzmann/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
