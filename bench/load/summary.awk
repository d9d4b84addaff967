# Issue 13's summary of one or more run.sh runs: awk -f summary.awk RUN_DIR/measures.tsv ...
#
# Each measures.tsv holds one run's figures, a line each: MEASURE <tab> TARGET <tab> VALUE (a header line first;
# VALUE "n/a" when the run could not measure it, e.g. no allocation counter in an older jar). Prints a markdown
# table: per measure and target the median over the runs with the spread (min-max) when there are several, the
# ratio Gossamer / HAProxy (the median of each run's own ratio, so a slow minute of the host hits both sides),
# and issue 13's floor with whether the median meets it. A figure no run measured is "-"; nothing is guessed.
BEGIN {
  FS = "\t"
  # measure|label|unit shown|divisor from the stored unit|decimals|floor kind|floor value|floor text
  spec[++nm] = "rps|closed-loop req/s (wrk)||1|0|||"
  spec[++nm] = "p99_rate_us|p99 at the fixed rate|ms|1000|2|added|500|<= HAProxy's + 0.5 ms"
  spec[++nm] = "max_closed_us|max latency, closed loop (wrk)|ms|1000|1|ratio|2|<= 2x HAProxy's"
  spec[++nm] = "cpu_rate_us|proxy CPU per request at the fixed rate|us|1|1|||"
  spec[++nm] = "rss_load_kb|RSS under load (peak, closed loop)|MB|976.5625|1|abs|90|<= 90 MB"
  spec[++nm] = "alloc_max_b|allocated per request, closed loop|B|1|0|||"
  spec[++nm] = "alloc_rate_b|allocated per request, fixed rate|B|1|0|||"
  spec[++nm] = "ready_ms|process start -> /ready|ms|1|0|abs|1000|<= 1 s"
  spec[++nm] = "first_ms|process start -> first proxied response|ms|1|0|||"
  spec[++nm] = "warm_p99_us|after start-up, at the fixed rate: worst p99 of a second|ms|1000|2|abs|5|<= 5 ms"
  spec[++nm] = "idle_ok|idle keep-alive connections held||1|0|||measured and reported"
  spec[++nm] = "idle_failed|idle connections refused or failed||1|0|||"
  spec[++nm] = "idle_b_per_conn|memory per idle connection (RSS delta / held)|KB|1000|1|||"
  spec[++nm] = "idle_p99_us|p99 at the fixed rate beside the idle connections|ms|1000|2|||"
  spec[++nm] = "idle_rate_errors|failed requests at the fixed rate beside them||1|0|||"
  nt = split("direct haproxy nginx gossamer", T, " ")
}
FNR == 1 { runs++; next }
$3 == "n/a" { NA[$1, $2] = 1 }
$3 != "" && $3 != "n/a" { V[$1, $2, runs] = $3 + 0; seen[$1, $2] = 1 }

function sortn(a, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
function median(a, n) { sortn(a, n); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
# values of measure m for target t over the runs into A; returns how many
function collect(m, t,   r, n) {
  delete A; n = 0
  for (r = 1; r <= runs; r++) if ((m, t, r) in V) A[++n] = V[m, t, r]
  return n
}
function fmt(v, div, dec) { return sprintf("%." dec "f", v / div) }
function cell(m, t, div, dec,   n, med, lo, hi) {
  n = collect(m, t)
  if (n == 0) return ((m, t) in NA) ? "n/a" : "-"
  med = median(A, n); lo = A[1]; hi = A[n]
  if (n == 1) return fmt(med, div, dec)
  return fmt(med, div, dec) " (" fmt(lo, div, dec) "-" fmt(hi, div, dec) ")"
}
# per-run Gossamer op HAProxy ("ratio" or "added") into B; returns how many runs had both
function paired(m, op,   r, n) {
  delete B; n = 0
  for (r = 1; r <= runs; r++)
    if ((m, "gossamer", r) in V && (m, "haproxy", r) in V) {
      if (op == "ratio") { if (V[m, "haproxy", r] > 0) B[++n] = V[m, "gossamer", r] / V[m, "haproxy", r] }
      else B[++n] = V[m, "gossamer", r] - V[m, "haproxy", r]
    }
  return n
}
END {
  printf "| measure | unit | direct | haproxy | nginx | gossamer | gossamer / haproxy | issue 13 floor (on gossamer) | met at the median |\n"
  print "|---|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= nm; i++) {
    split(spec[i], s, "|"); m = s[1]; div = s[4] + 0; dec = s[5] + 0; kind = s[6]; fv = s[7] + 0
    any = 0
    for (k = 1; k <= nt; k++) if ((m, T[k]) in seen || (m, T[k]) in NA) any = 1
    if (!any) continue
    row = "| " s[2] " | " s[3]
    for (k = 1; k <= nt; k++) row = row " | " cell(m, T[k], div, dec)
    n = (s[3] == "" && m != "rps") ? 0 : paired(m, "ratio")
    if (n) { rat = sprintf("%.2f", median(B, n)); if (n > 1) rat = rat sprintf(" (%.2f-%.2f)", B[1], B[n]) }
    else rat = "-"
    met = "-"
    if (kind == "added") {
      n = paired(m, "added")
      if (n) { d = median(B, n); met = sprintf("%s (%+.2f ms)", (d <= fv) ? "yes" : "**no**", d / 1000) }
    } else if (kind == "ratio") {
      n = paired(m, "ratio")
      if (n) { d = median(B, n); met = sprintf("%s (%.2fx)", (d <= fv) ? "yes" : "**no**", d) }
    } else if (kind == "abs") {
      n = collect(m, "gossamer")
      if (n) { d = median(A, n) / div; met = sprintf("%s (%." dec "f %s)", (d <= fv) ? "yes" : "**no**", d, s[3]) }
    } else if (s[8] != "") {
      met = ((m, "gossamer") in seen) ? "measured" : "-"
    }
    printf "%s | %s | %s | %s |\n", row, rat, (s[8] == "") ? "-" : s[8], met
  }
  printf "\n%d run(s); a cell is the median over the runs, with (min-max) when there are several.\n", runs
}
