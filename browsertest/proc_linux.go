package browsertest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ownGroup starts the browser as the leader of a new process group, so
// every process it forks can be found by its group even when the
// executable is a wrapper script, and has the kernel kill it if the test
// binary dies first.
func ownGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// leftovers waits up to d for every process the browser started to exit,
// and returns the ones still running then, each as "pid: command line". A
// process is the browser's when it is in the group of the process started
// or names the browser's user data directory on its command line (Chromium
// passes it to every child). Processes that exit are waited for with
// pidfds, not by polling.
func (b *Browser) leftovers(d time.Duration) []string {
	deadline := time.Now().Add(d)
	for {
		pids := b.running()
		left := time.Until(deadline)
		if len(pids) == 0 || left <= 0 {
			return describe(pids)
		}
		if !waitAnyExit(pids, left) {
			return describe(b.running())
		}
	}
}

// running lists the live processes (not zombies) that belong to b.
func (b *Browser) running() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	flag := []byte("--user-data-dir=" + b.dir)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		state, pgrp, ok := stat(pid)
		if !ok || state == "Z" || state == "X" {
			continue
		}
		if b.pid > 0 && pgrp == b.pid {
			pids = append(pids, pid)
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(cmdline, flag) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// stat reads a process's state and process group from /proc/PID/stat.
func stat(pid int) (state string, pgrp int, ok bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	// "pid (comm) state ppid pgrp ...": comm may hold spaces and parens.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return "", 0, false
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 3 {
		return "", 0, false
	}
	pgrp, err = strconv.Atoi(f[2])
	return f[0], pgrp, err == nil
}

// waitAnyExit blocks until one of pids exits or d passes, and reports
// whether one exited (or could not be watched, so the caller looks again).
func waitAnyExit(pids []int, d time.Duration) bool {
	var fds []unix.PollFd
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			// Gone already, or pidfds are unavailable: look again.
			for _, f := range fds {
				unix.Close(int(f.Fd))
			}
			return true
		}
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	defer func() {
		for _, f := range fds {
			unix.Close(int(f.Fd))
		}
	}()
	deadline := time.Now().Add(d)
	for {
		n, err := unix.Poll(fds, int(time.Until(deadline).Milliseconds())+1)
		if err == unix.EINTR && time.Now().Before(deadline) {
			continue
		}
		return err != nil || n > 0
	}
}

// describe names each process by its id and command line.
func describe(pids []int) []string {
	var out []string
	for _, pid := range pids {
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		out = append(out, fmt.Sprintf("%d: %s", pid, bytes.ReplaceAll(bytes.TrimRight(cmdline, "\x00"), []byte{0}, []byte{' '})))
	}
	return out
}

// killAll kills the processes leftovers described.
func killAll(left []string) {
	for _, l := range left {
		id, _, _ := strings.Cut(l, ":")
		if pid, err := strconv.Atoi(id); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
