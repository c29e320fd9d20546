// bench/go/drain.go
//
// Distributed under the Boost Software License, Version 1.0.
//
// The Go competitor of bench/drain.cpp: golang.org/x/net/ipv4 receiving
// with control messages (FlagDst|FlagInterface|FlagTTL).
//
//	asio_ipv4_bench_go drain go_readfrom <count>
//	asio_ipv4_bench_go drain go_readbatch_64 <count>
//
// Same protocol as the C++ program: a fresh receiving socket on 127.0.0.1
// (SO_RCVBUFFORCE, IP_PKTINFO + IP_RECVTTL set through SetControlMessage),
// `count` 64-byte datagrams prefilled from a socket of this process with
// TTL 64 (sendmmsg), no drop allowed (/proc/net/udp), then the drain alone
// is timed, and the check sum bytes + TTL + interface + (destination ==
// 127.0.0.1) must come out exact. Prints one RESULT line (wall and CPU
// time of the drain); "allocations" are Go heap objects
// (runtime.MemStats.Mallocs) after the warm-up.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
)

const (
	datagramSize  = 64
	receiveBuffer = 2048
	prefillTTL    = 64
	warmup        = 256
	batch         = 64
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "bench (go): "+format+"\n", args...)
	os.Exit(1)
}

// udpQueueState returns the drop counter and queued bytes of the socket
// bound to 127.0.0.1:port, from /proc/net/udp.
func udpQueueState(port int) (drops, queued uint64, ok bool) {
	f, err := os.Open("/proc/net/udp")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	want := fmt.Sprintf("0100007F:%04X", port)
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 13 || fields[1] != want {
			continue
		}
		queues := strings.SplitN(fields[4], ":", 2)
		q, _ := strconv.ParseUint(queues[1], 16, 64)
		d, _ := strconv.ParseUint(fields[len(fields)-1], 10, 64)
		return d, q, true
	}
	return 0, 0, false
}

func prefill(to *net.UDPAddr, count int) {
	c, err := net.DialUDP("udp4", nil, to)
	if err != nil {
		fail("dial: %v", err)
	}
	defer c.Close()
	if err := ipv4.NewConn(c).SetTTL(prefillTTL); err != nil {
		fail("ttl: %v", err)
	}
	pc := ipv4.NewPacketConn(c)
	payload := make([]byte, datagramSize)
	for i := range payload {
		payload[i] = 0xa5
	}
	ms := make([]ipv4.Message, batch)
	for i := range ms {
		ms[i].Buffers = [][]byte{payload}
	}
	for sent := 0; sent < count; {
		n := count - sent
		if n > batch {
			n = batch
		}
		k, err := pc.WriteBatch(ms[:n], 0)
		if err != nil {
			fail("prefill: %v", err)
		}
		sent += k
	}
	drops, queued, ok := udpQueueState(to.Port)
	if !ok {
		fail("the receiver is missing from /proc/net/udp")
	}
	if drops != 0 {
		fail("the receiver dropped %d of %d prefilled datagrams", drops, count)
	}
	if queued == 0 {
		fail("the receiver's queue is empty after the prefill")
	}
}

// cpuNanos is the CPU time of the process (all threads: the runtime's too),
// user + system.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail("getrusage: %v", err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

func main() {
	if len(os.Args) != 4 || os.Args[1] != "drain" {
		fail("usage: asio_ipv4_bench_go drain go_readfrom|go_readbatch_64 <count>")
	}
	name := os.Args[2]
	count, err := strconv.Atoi(os.Args[3])
	if err != nil || count <= warmup {
		fail("bad count %q", os.Args[3])
	}
	if name != "go_readfrom" && name != "go_readbatch_64" {
		fail("unknown receiver %s", name)
	}

	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		fail("listen: %v", err)
	}
	raw, err := conn.SyscallConn()
	if err != nil {
		fail("syscallconn: %v", err)
	}
	rcvbuf := count * 4096
	if rcvbuf > (1<<31-1)/2 {
		rcvbuf = (1<<31 - 1) / 2
	}
	var serr error
	raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, rcvbuf)
	})
	if serr != nil {
		fail("SO_RCVBUFFORCE (needs root): %v", serr)
	}
	p := ipv4.NewPacketConn(conn)
	if err := p.SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface|ipv4.FlagTTL, true); err != nil {
		fail("SetControlMessage: %v", err)
	}
	to := conn.LocalAddr().(*net.UDPAddr)
	prefill(to, count)

	loopback := net.IPv4(127, 0, 0, 1)
	var check uint64
	var allocsAtWarmup uint64
	received := 0
	start := time.Now()
	startCPU := cpuNanos()
	if name == "go_readfrom" {
		buf := make([]byte, receiveBuffer)
		for received < count {
			if received == warmup {
				allocsAtWarmup = mallocs()
			}
			n, cm, _, err := p.ReadFrom(buf)
			if err != nil {
				fail("ReadFrom: %v", err)
			}
			check += uint64(n)
			if cm != nil {
				check += uint64(cm.TTL) + uint64(cm.IfIndex)
				if cm.Dst.Equal(loopback) {
					check++
				}
			}
			received++
		}
	} else {
		ms := make([]ipv4.Message, batch)
		for i := range ms {
			ms[i].Buffers = [][]byte{make([]byte, receiveBuffer)}
			ms[i].OOB = ipv4.NewControlMessage(ipv4.FlagDst | ipv4.FlagInterface | ipv4.FlagTTL)
		}
		var cm ipv4.ControlMessage
		for received < count {
			want := count - received
			if want > batch {
				want = batch
			}
			n, err := p.ReadBatch(ms[:want], 0)
			if err != nil {
				fail("ReadBatch: %v", err)
			}
			for i := 0; i < n; i++ {
				m := &ms[i]
				if m.Flags&(syscall.MSG_TRUNC|syscall.MSG_CTRUNC) != 0 {
					fail("truncated")
				}
				if err := cm.Parse(m.OOB[:m.NN]); err != nil {
					fail("Parse: %v", err)
				}
				check += uint64(m.N) + uint64(cm.TTL) + uint64(cm.IfIndex)
				if cm.Dst.Equal(loopback) {
					check++
				}
			}
			if received < warmup && received+n >= warmup {
				allocsAtWarmup = mallocs()
			}
			received += n
		}
	}
	elapsed := time.Since(start)
	elapsedCPU := cpuNanos() - startCPU
	allocs := mallocs() - allocsAtWarmup

	expected := uint64(count) * (datagramSize + prefillTTL + 1 + 1)
	if check != expected {
		fail("%s: check sum %d, expected %d", name, check, expected)
	}
	fmt.Printf("RESULT %s %d %d %d %d %d\n", name, count, elapsed.Nanoseconds(), elapsedCPU, allocs, count-warmup)
}
