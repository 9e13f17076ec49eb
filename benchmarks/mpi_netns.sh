#!/bin/bash
# Runs "mpirun -n N COMMAND..." with one process per network namespace:
# N namespaces, each with one end of a veth pair whose other end is on a
# bridge in a hub namespace, addresses 10.231.0.k/24 inside them only;
# mpirun runs in the first, the daemons of the others are started by a
# launch agent, and Open MPI uses only its TCP transport on the veth
# links. The namespaces are removed on exit. Needs root and iproute2.
#   sudo benchmarks/mpi_netns.sh 2 ./mpi_reduce
set -eu
N=$1; shift
P=bzb$$
TMP=$(mktemp -d)
cleanup() { for k in $(seq 0 $((N-1))) hub; do ip netns del $P$k 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
ip netns add ${P}hub
ip -n ${P}hub link add br0 type bridge
ip -n ${P}hub link set br0 up
{ echo '#!/bin/sh'; echo 'host=$1; shift'; echo 'case $host in'; } > "$TMP/agent.sh"
: > "$TMP/hosts"
for k in $(seq 0 $((N-1))); do
	ip netns add $P$k
	ip link add ${P}v$k type veth peer name ${P}h$k
	ip link set ${P}v$k netns $P$k
	ip link set ${P}h$k netns ${P}hub
	ip -n ${P}hub link set ${P}h$k master br0 up
	ip -n $P$k addr add 10.231.0.$((k+1))/24 dev ${P}v$k
	ip -n $P$k link set ${P}v$k up
	ip -n $P$k link set lo up
	echo "10.231.0.$((k+1))) exec ip netns exec $P$k sh -c \"\$*\";;" >> "$TMP/agent.sh"
	echo "10.231.0.$((k+1)) slots=1" >> "$TMP/hosts"
done
echo 'esac; exit 1' >> "$TMP/agent.sh"
chmod +x "$TMP/agent.sh"
ip netns exec ${P}0 mpirun --allow-run-as-root --hostfile "$TMP/hosts" --mca plm_rsh_agent "$TMP/agent.sh" \
	--mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include 10.231.0.0/24 --mca oob_tcp_if_include 10.231.0.0/24 \
	--bind-to none -n $N "$@"
