//go:build mpi

package root

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// netns is a set of network namespaces made for one test: one per rank,
// each with one end of a veth pair whose other end is on a bridge in a hub
// namespace, and an address 10.231.0.k+1/24 inside it; nothing is added to
// the machine's own namespace.
type netns struct {
	prefix string
	names  []string // the ranks' namespaces
	addrs  []string
	agent  string // the launch agent that starts a command "on" an address
	hosts  string // the hostfile
}

const netnsSubnet = "10.231.0.0/24"

// netnsSets counts the sets made, for unique names.
var netnsSets int

// newNetns makes n namespaces, or skips the test when this process cannot
// (not root, or no ip netns); they are removed at the end of the test.
func newNetns(t *testing.T, n int) *netns {
	t.Helper()
	if testing.Short() {
		t.Skip("the network-namespace test takes about 30 s; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("the network-namespace test needs root (it creates namespaces and veth pairs with ip netns and ip link)")
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
		t.Skipf("ip netns is not available (iproute2, a kernel with network namespaces): %v %s", err, bytes.TrimSpace(out))
	}
	netnsSets++
	ns := &netns{prefix: fmt.Sprintf("bz%d%c", os.Getpid()%10000, 'a'+rune(netnsSets%26))}
	hub := ns.prefix + "hub"
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", strings.Join(args, " "), err, out)
		}
	}
	t.Cleanup(func() {
		for _, name := range append([]string{hub}, ns.names...) {
			// Removing a namespace removes the veth ends in it.
			exec.Command("ip", "netns", "del", name).Run()
		}
	})
	ip("netns", "add", hub)
	ip("-n", hub, "link", "add", "br0", "type", "bridge")
	ip("-n", hub, "link", "set", "br0", "up")
	var agent strings.Builder
	agent.WriteString("#!/bin/sh\n# mpirun's launch agent: runs the command in the namespace of the address\nhost=$1; shift\ncase $host in\n")
	var hosts strings.Builder
	for k := range n {
		name, dev, peer, addr := fmt.Sprintf("%s%d", ns.prefix, k), fmt.Sprintf("%sv%d", ns.prefix, k), fmt.Sprintf("%sh%d", ns.prefix, k), fmt.Sprintf("10.231.0.%d", k+1)
		ip("netns", "add", name)
		ns.names, ns.addrs = append(ns.names, name), append(ns.addrs, addr)
		ip("link", "add", dev, "type", "veth", "peer", "name", peer)
		ip("link", "set", dev, "netns", name)
		ip("link", "set", peer, "netns", hub)
		ip("-n", hub, "link", "set", peer, "master", "br0", "up")
		ip("-n", name, "addr", "add", addr+"/24", "dev", dev)
		ip("-n", name, "link", "set", dev, "up")
		ip("-n", name, "link", "set", "lo", "up")
		fmt.Fprintf(&agent, "%s) exec ip netns exec %s sh -c \"$*\";;\n", addr, name)
		fmt.Fprintf(&hosts, "%s slots=1\n", addr)
	}
	agent.WriteString("esac\necho \"unknown host $host\" >&2; exit 1\n")
	dir := t.TempDir()
	ns.agent, ns.hosts = filepath.Join(dir, "agent.sh"), filepath.Join(dir, "hosts")
	if err := os.WriteFile(ns.agent, []byte(agent.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ns.hosts, []byte(hosts.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return ns
}

// mpirun returns the command that starts one process of bin per namespace
// (rank k in namespace k): mpirun itself runs in namespace 0, the daemon
// of every other namespace is started there by the launch agent and
// connects back over TCP, and the processes exchange only over Open MPI's
// TCP transport on the veth links.
func (ns *netns) mpirun(mpirun string, bin string, args ...string) *exec.Cmd {
	line := []string{"netns", "exec", ns.names[0], mpirun, "--allow-run-as-root", "--hostfile", ns.hosts,
		"--mca", "plm_rsh_agent", ns.agent, "--mca", "pml", "ob1", "--mca", "btl", "tcp,self",
		"--mca", "btl_tcp_if_include", netnsSubnet, "--mca", "oob_tcp_if_include", netnsSubnet,
		"-n", strconv.Itoa(len(ns.names)), bin}
	return exec.Command("ip", append(line, args...)...)
}

// sent returns the bytes that namespace k's veth end has sent.
func (ns *netns) sent(t *testing.T, k int) int64 {
	t.Helper()
	b, err := exec.Command("ip", "netns", "exec", ns.names[k], "cat", fmt.Sprintf("/sys/class/net/%sv%d/statistics/tx_bytes", ns.prefix, k)).Output()
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var reductionLog = regexp.MustCompile(`msg=reduction processes=(\d+) reductions=(\d+) ms_per_reduction=([0-9.]+) mb_sent_per_reduction=([0-9.]+)`)

// TestMPINetnsTrainIdentical: training with 2 and 3 processes in separate
// network namespaces, joined by veth pairs and a bridge, over Open MPI's
// TCP transport, ends with the parameters of the one-process run bit for
// bit, and process 0's veth end sent at least the bytes of its reductions.
func TestMPINetnsTrainIdentical(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	tmp := t.TempDir()
	args := []string{"train", "builtin:bars-and-stripes:4", "--n-builtin", "400", "--model", "rbm", "--hidden", "40", "--chains", "64",
		"--batch-size", "50", "--epochs", "3", "--seed", "3"}
	want := filepath.Join(tmp, "one")
	if out, err := exec.Command(bin, append(args, "--reduction", "blocks", "--out", want, "-q")...).CombinedOutput(); err != nil {
		t.Fatalf("one process: %v\n%s", err, out)
	}
	for _, n := range []int{2, 3} {
		ns := newNetns(t, n)
		dir := filepath.Join(tmp, strconv.Itoa(n))
		before := ns.sent(t, 0)
		cmd := ns.mpirun(mpirun[0], bin, append(args, "--out", dir)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%d processes in namespaces: %v\n%s", n, err, stderr.String())
		}
		sameModel(t, fmt.Sprintf("%d processes over TCP between namespaces", n), want, dir)
		m := reductionLog.FindStringSubmatch(stderr.String())
		if m == nil || m[1] != strconv.Itoa(n) {
			t.Fatalf("%d processes: no reduction log line:\n%s", n, stderr.String())
		}
		reductions, _ := strconv.Atoi(m[2])
		mb, _ := strconv.ParseFloat(m[4], 64)
		// Process 0 sends its blocks' partials to the others; what it
		// keeps for itself does not cross the link.
		least := int64(float64(reductions) * mb * 1e6 * float64(n-1) / float64(n) * 0.5)
		got := ns.sent(t, 0) - before
		t.Logf("%d processes: %d reductions, %s ms each, %.3f MB sent by process 0 per reduction; its veth sent %.2f MB",
			n, reductions, m[3], mb, float64(got)/1e6)
		if got < least {
			t.Errorf("%d processes: process 0's veth sent %d bytes, less than the %d of its reductions", n, got, least)
		}
	}
}
