cd /work/main
run() { # label jar tunables
  cp "$2" target/readstates.jar
  echo "== $1 $(date +%T)"
  GLIBC_TUNABLES=$3 OUT=/tmp/tp-$1 ROUNDS=2 SHARDS=1 GATEWAY_S=5 SOCKETS=1000 bench/throughput.sh > /tmp/tp-$1.log 2>&1
  grep -A4 "^| round" /tmp/tp-$1/throughput.md
}
run before-4k /tmp/readstates-before.jar ""
run after-4k /tmp/readstates-after.jar ""
run after-thp /tmp/readstates-after.jar glibc.malloc.hugetlb=1
run before-4k-2 /tmp/readstates-before.jar ""
run after-thp-2 /tmp/readstates-after.jar glibc.malloc.hugetlb=1
cp /tmp/readstates-after.jar target/readstates.jar
echo done $(date +%T)
