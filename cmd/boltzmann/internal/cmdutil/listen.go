package cmdutil

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// DefaultAddr is where the live page of a run is served unless told
// otherwise: this machine only.
const DefaultAddr = "127.0.0.1:8080"

// Addr is a HOST:PORT flag value, checked when the flag is parsed (a bad
// address is an input error before anything runs).
type Addr string

// String returns the address.
func (a *Addr) String() string { return string(*a) }

// Type names the value in the help.
func (a *Addr) Type() string { return "HOST:PORT" }

// Set checks and sets the address.
func (a *Addr) Set(s string) error {
	if err := CheckAddr(s); err != nil {
		return err
	}
	*a = Addr(s)
	return nil
}

// CheckAddr checks that s is HOST:PORT with a port in [0, 65535] (0: any
// free port); an empty host means every interface.
func CheckAddr(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("give HOST:PORT, for example 127.0.0.1:8080 (0.0.0.0:8080 to be reached from other machines)")
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("port %q is not a number in [0, 65535]", port)
	}
	return nil
}

// IsLoopback reports whether the host of addr is localhost or a loopback
// IP, where the page answers only requests addressed to this machine.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Listen listens on the TCP address addr for the live page; a port in
// use or a host that is not this machine is an input error naming the
// flag.
func Listen(flag, addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Err != nil {
			err = oe.Err
		}
		return nil, BadInput("cannot listen on %s %s: %v: choose another address or port", flag, addr, err)
	}
	return l, nil
}
