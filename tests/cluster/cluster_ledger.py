"""What the cluster tests send and what they check afterwards: gyrate-sim scenarios, a ledger of
what each account was told (acknowledged usage, usage of requests that got no success), and the
checks every test ends with: nothing acknowledged lost, nothing doubled, every balance equal to the
account's CDRs, a resend answered like its original."""
import re

SENT = re.compile(r"^\S+:\d+: (resend \(T\) )?CCR-([IUTE]) (\S+) #(\d+);?(.*)$")
USU = re.compile(r"usu (\d+) units")
GSU = re.compile(r"rg \d+ (\d+) gsu (\d+) units")
RESULT = re.compile(r"^-> (\d+)")
START = "2026-03-10 10:00"  # every request's Event-Timestamp (gyrate-ocs --clock request)


class Exchange:
    """One request a worker sent and what came back (result None: no answer)."""

    def __init__(self, resend, kind, session, number, usage, result, grants, reply):
        self.resend, self.kind, self.session, self.number = resend, kind, session, number
        self.usage, self.result, self.grants, self.reply = usage, result, grants, reply


def exchanges(output):
    """The exchanges in a gyrate-sim scenario's output, in order."""
    out = []
    lines = output.splitlines()
    for n, line in enumerate(lines):
        m = SENT.match(line)
        if not m:
            continue
        reply = lines[n + 1].strip() if n + 1 < len(lines) else ""
        r = RESULT.match(reply)
        out.append(Exchange(bool(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                            sum(int(u) for u in USU.findall(m.group(5))), int(r.group(1)) if r else None,
                            [(int(c), int(g)) for c, g in GSU.findall(reply)], reply))
    return out


def sessions_scenario(msisdn, sessions, updates, rng, resend_every=0):
    """Sessions of CCR-I, `updates` x CCR-U and CCR-T with usage of varied sizes (at most the grant,
    5000), and after every `resend_every`-th session's first CCR-U a resend of it (T flag)."""
    lines = [f"subscriber w e164:{msisdn}", f"at {START}"]
    for s in range(sessions):
        lines.append(f"initial s{s} subscriber w rg 100 rsu 5000 tokens")
        for u in range(updates):
            lines.append(f"update s{s} rg 100 usu {rng.randint(1, 5000)} tokens rsu 5000 tokens")
            if resend_every and s % resend_every == 0 and u == 0:
                lines.append(f"resend s{s}")
        lines.append(f"terminate s{s} rg 100 usu {rng.randint(1, 5000)} tokens")
    return "\n".join(lines) + "\n"


# Answers after which the request's usage is committed for sure: 4012 refuses the next grant, not
# the report that came with it.
COMMITTED = (2001, 4012)


class Ledger:
    """Per account: usage of requests answered 2001 or 4012 (committed for sure) and of the others
    (maybe committed: no answer, or an error after the store may have applied it); Result-Codes."""

    def __init__(self):
        self.acknowledged = {}
        self.maybe = {}
        self.codes = {}
        self.codes_after_cut = {}  # answers after the test cut the workers off (cut_off)
        self.resends = 0
        self.problems = []

    def add(self, account, output, cut=None):
        """A worker's output; its Result-Codes from the `cut`-th exchange on count apart."""
        first = {}   # (session, number) -> its first exchange
        opened = set()  # sessions whose CCR-I was answered 2001: alive until their CCR-T
        status = {}  # (session, number) -> (usage, committed for sure): counted once
        for n, e in enumerate(exchanges(output)):
            codes = self.codes if cut is None or n < cut else self.codes_after_cut
            codes[e.result] = codes.get(e.result, 0) + 1
            key = (e.session, e.number)
            if e.resend:
                self.resends += 1
                original = first.get(key)
                # An answer the store kept must come back as it was (or a transient error: the
                # client tries again); an error was never stored.
                if original and original.result in COMMITTED and e.result not in (None, 3002, 3004) and \
                        e.reply != original.reply:
                    self.problems.append(f"{account}: resend of {key} answered `{e.reply}`, the original "
                                         f"`{original.reply}`")
            first.setdefault(key, e)
            if e.kind == "I" and e.result == 2001:
                opened.add(e.session)
            elif e.result == 5002 and e.session in opened:
                # A client ends a session it is told is unknown: the user loses service.
                self.problems.append(f"{account}: session {e.session} (opened) got 5002 for CCR-{e.kind} "
                                     f"#{e.number}{' (resend)' if e.resend else ''}")
            if e.kind == "T" and e.result in COMMITTED:
                opened.discard(e.session)
            usage, ok = status.get(key, (e.usage, False))
            status[key] = (usage, ok or e.result in COMMITTED)
        self.acknowledged[account] = self.acknowledged.get(account, 0) + sum(u for u, ok in status.values() if ok)
        self.maybe.setdefault(account, []).extend(u for u, ok in status.values() if u and not ok)

    def unexpected_codes(self, allowed=(2001,)):
        return {c: n for c, n in self.codes.items() if c not in allowed}


def possible_sums(values):
    """Every sum of a subset of `values` (non-negative ints), as a bit set in an int."""
    mask = 1
    for v in values:
        mask |= mask << v
    return mask


def usage_check(account, used, acknowledged, maybe):
    """None when `used` is the acknowledged usage plus a subset of the unacknowledged requests'
    usage (each at most once); else what is wrong."""
    extra = used - acknowledged
    if extra < 0:
        return f"{account}: used {used} < acknowledged {acknowledged}: {-extra} acknowledged tokens LOST"
    if not possible_sums(maybe) >> extra & 1:
        return (f"{account}: used {used} = acknowledged {acknowledged} + {extra}, not a sum of the "
                f"unacknowledged requests' usage {sorted(maybe)}: a debit DOUBLED or invented")
    return None


def cdr_totals(cdrs):
    """{(account, service): sum of debit} and the requests (account, member, session, number,
    service) that have more than one CDR."""
    totals, seen, twice = {}, set(), []
    for c in cdrs:
        if c["pack"]:
            continue
        key = (c["account"], c["service"])
        totals[key] = totals.get(key, 0) + c["debit"]
        name = (c["account"], c["member"], c["session"], c["number"], c["service"])
        if name in seen:
            twice.append(name)
        seen.add(name)
    return totals, twice


def service_used(balances, service="llm"):
    return next((s["used"] for s in balances["services"] if s["service"] == service), 0)


def check_accounts(cluster, ledger, accounts, failures):
    """The checks every test ends with, for `accounts` on every live node: used agrees between
    nodes, with the ledger (nothing lost, nothing doubled) and with the CDRs in Redis."""
    totals, twice = cdr_totals(cluster.redis.cdrs())
    if twice:
        failures.append(f"requests with more than one CDR: {twice[:10]}")
    failures.extend(ledger.problems)
    for account in accounts:
        seen = {n.name: service_used(n.balances(account)) for n in cluster.live_nodes()}
        used = max(seen.values())
        verdict = usage_check(account, used, ledger.acknowledged.get(account, 0), ledger.maybe.get(account, []))
        cdr = totals.get((account, "llm"), 0)
        print(f"{account}: used {seen} (admin API), acknowledged {ledger.acknowledged.get(account, 0)}, "
              f"{len(ledger.maybe.get(account, []))} requests unacknowledged, CDRs {cdr}: "
              f"{verdict or 'ok'}", flush=True)
        if len(set(seen.values())) != 1:
            failures.append(f"{account}: the nodes disagree on used: {seen}")
        if verdict:
            failures.append(verdict)
        if cdr != used:
            failures.append(f"{account}: used {used} but its CDRs add up to {cdr}")
