"""Where the machine's CPU went during one bench/run cell, from /proc (Linux).

  cpu_share.py sample BENCH_PID SERVER_PID GATEWAY_PID POSTMASTER_PID   prints one JSON sample
  cpu_share.py diff BEFORE_JSON AFTER_JSON                              prints cores used by each

A sample holds the machine's busy time (/proc/stat) and the CPU time of pi-server, pi-gateway,
the benchmark's PostgreSQL (postmaster, its live children, and the children it has reaped) and the
clients (every child bench/run has waited for: pgbench, pi_grpc_load, wrk). "others" is the busy
time left over: other processes on the machine, which on a shared machine take cores from the
cell being measured. A PID of 0 counts nothing.
"""
import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name may hold spaces; fields after it start with the state (field 3).
    return raw[raw.rindex(")") + 2:].split()


def own_ticks(pid, children=False):
    fields = stat_fields(pid) if pid else None
    if not fields:
        return 0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime of reaped children
    return ticks


def live_children_ticks(parent):
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(entry)
            if fields and int(fields[1]) == parent:
                total += own_ticks(entry)
    return total


def machine_busy_ticks():
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq = cpu[:7]
    return user + nice + system + irq + softirq


def sample(bench, server, gateway, postmaster):
    return {
        "t": time.monotonic(),
        "busy": machine_busy_ticks(),
        "pi-server": own_ticks(server),
        "pi-gateway": own_ticks(gateway),
        "postgres": own_ticks(postmaster, children=True) +
                    (live_children_ticks(postmaster) if postmaster else 0),
        "clients": own_ticks(bench, children=True) - own_ticks(bench),
    }


def diff(before, after):
    seconds = after["t"] - before["t"]
    cores = lambda key: (after[key] - before[key]) / TICK / seconds
    out = {k: round(cores(k), 2) for k in ("pi-server", "pi-gateway", "postgres", "clients")}
    out["others"] = round(max(0.0, cores("busy") - sum(out.values())), 2)
    return out


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        print(json.dumps(sample(*(int(p or 0) for p in sys.argv[2:6]))))
    else:
        print(json.dumps(diff(json.loads(sys.argv[2]), json.loads(sys.argv[3]))))
