#!/usr/bin/env bash
# Throwaway single-node Ceph cluster with radosgw serving S3 on loopback, for
# end-to-end tests of browser POST uploads. radosgw is the only S3 server we
# can install here that really checks POST policies (signature, expiration,
# content-length-range, starts-with, extra fields) and per-bucket CORS.
#
# Usage:
#   eval "$(bash .ci/radosgw.sh start)"   # install if needed, start, export S3_* vars
#   bash .ci/radosgw.sh stop              # kill the daemons, delete the work folder
#
# Environment (all optional):
#   CEPH_DIR               work folder              (default /tmp/pu-ceph)
#   RGW_PORT               S3 port on 127.0.0.1      (default 7480)
#   CEPH_MON_PORT          monitor port (msgr2)      (default 3300)
#   CEPH_MEMSTORE_BYTES    OSD size, held in RAM     (default 6 GiB: the 1.5 GiB multipart case)
#   AWS_ACCESS_KEY_ID      S3 user's access key      (default pu-test-access)
#   AWS_SECRET_ACCESS_KEY  S3 user's secret key      (default pu-test-secret-0123456789)
#   CEPH_START_TIMEOUT     seconds per wait          (default 60)
#
# Only the `export` lines go to stdout, so `eval "$(...)"` works; everything
# else (apt, progress, errors, log dumps) goes to stderr.
set -Eeuo pipefail

# fd 3 = the caller's stdout (exports only); fd 1 now points at stderr.
exec 3>&1 1>&2

CEPH_DIR=${CEPH_DIR:-/tmp/pu-ceph}
RGW_PORT=${RGW_PORT:-7480}
CEPH_MON_PORT=${CEPH_MON_PORT:-3300}
CEPH_MEMSTORE_BYTES=${CEPH_MEMSTORE_BYTES:-$((6 * 1024 * 1024 * 1024))}
AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-pu-test-access}
AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-pu-test-secret-0123456789}
CEPH_START_TIMEOUT=${CEPH_START_TIMEOUT:-60}

S3_ENDPOINT="http://127.0.0.1:${RGW_PORT}"
# radosgw accepts any region in the SigV4 scope; us-east-1 keeps the AWS SDK
# from sending a LocationConstraint on CreateBucket.
S3_REGION=us-east-1
CONF="$CEPH_DIR/ceph.conf"
# Marker file: `stop` only deletes a folder that this script created.
MARKER="$CEPH_DIR/.pu-ceph"
S3_USER=pu-test

log() { printf '[radosgw.sh] %s\n' "$*" >&2; }

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# Print the tail of every daemon log: the first thing you need when start fails.
dump_logs() {
  local f
  for f in "$CEPH_DIR"/log/*; do
    [[ -s $f ]] || continue
    printf '\n===== %s (last 60 lines) =====\n' "$f" >&2
    tail -n 60 "$f" >&2 || true
  done
}

die() {
  trap - ERR
  log "ERROR: $*"
  if [[ -f $MARKER && -d $CEPH_DIR/log ]]; then
    dump_logs
    kill_daemons
    log "daemons killed; logs kept in $CEPH_DIR/log (\`$0 stop\` removes them)"
  fi
  exit 1
}

# ---------------------------------------------------------------- daemons ---

# We start every daemon in the foreground (-f) in the background ourselves, so
# we know its pid for sure (no racing for pid files written after a fork) and
# its stdio goes to a log file: a daemon holding the caller's stdout would
# make `eval "$(... start)"` hang forever.
spawn() { # spawn NAME CMD...
  local name=$1; shift
  setsid "$@" -f </dev/null >>"$CEPH_DIR/log/$name.out" 2>&1 3>&- &
  echo $! >"$CEPH_DIR/pids/$name"
  disown  # no "Killed" job notices from this shell when we stop them
}

# Our own processes only: the pid from our pid file, and only while that
# process still runs with our config file (guards against pid reuse).
our_pids() {
  local f pid cmdline
  for f in "$CEPH_DIR"/pids/*; do
    [[ -f $f ]] || continue
    pid=$(<"$f")
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
    [[ $cmdline == *"$CONF"* ]] && echo "$pid"
  done
  return 0
}

all_daemons_alive() {
  local f pid
  for f in "$CEPH_DIR"/pids/*; do
    [[ -f $f ]] || continue
    pid=$(<"$f")
    kill -0 "$pid" 2>/dev/null || { log "daemon ${f##*/} (pid $pid) has exited"; return 1; }
  done
}

kill_daemons() {
  local pids pid deadline
  pids=$(our_pids) || true
  [[ -n $pids ]] || return 0
  # SIGKILL on purpose: on a clean shutdown memstore writes all its data
  # (up to CEPH_MEMSTORE_BYTES) to disk, only for us to delete it.
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  deadline=$(( $(now_us) + 10000000 ))
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null; do
      (( $(now_us) < deadline )) || { log "pid $pid did not exit"; break; }
      sleep 0.05
    done
  done
}

# wait_until WHAT CMD... : poll CMD until it succeeds; fail with the logs after
# CEPH_START_TIMEOUT seconds, or at once if one of our daemons died.
wait_until() {
  local what=$1; shift
  local deadline=$(( $(now_us) + CEPH_START_TIMEOUT * 1000000 ))
  until "$@"; do
    all_daemons_alive || die "a daemon exited while waiting for $what"
    (( $(now_us) < deadline )) || die "timed out after ${CEPH_START_TIMEOUT}s waiting for $what"
    sleep 0.1
  done
}

# ------------------------------------------------------------------- S3 -----

# Anonymous GET / : radosgw answers 200 with an empty ListAllMyBucketsResult.
s3_answers() {
  local body
  body=$(curl -s --max-time 2 "$S3_ENDPOINT/" 2>/dev/null) || return 1
  [[ $body == *ListAllMyBucketsResult* ]]
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Signed GET / (ListBuckets) with our keys: proves the user exists.
# curl 7.88 does not send x-amz-content-sha256 by itself, and radosgw answers
# SignatureDoesNotMatch without it; the value is the SHA-256 of an empty body.
s3_accepts_keys() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
    --aws-sigv4 "aws:amz:${S3_REGION}:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    "$S3_ENDPOINT/") || true
  [[ $code == 200 ]]
}

ensure_user() {
  # `user create` fails if the uid exists; `key create` then adds our key pair.
  if ! radosgw-admin -c "$CONF" user info --uid "$S3_USER" >/dev/null 2>&1; then
    radosgw-admin -c "$CONF" user create --uid "$S3_USER" --display-name "presigned-uploader tests" \
      --access-key "$AWS_ACCESS_KEY_ID" --secret-key "$AWS_SECRET_ACCESS_KEY" >/dev/null
  else
    radosgw-admin -c "$CONF" key create --uid "$S3_USER" --key-type s3 \
      --access-key "$AWS_ACCESS_KEY_ID" --secret-key "$AWS_SECRET_ACCESS_KEY" >/dev/null
  fi
}

print_exports() {
  printf 'export %s=%q\n' \
    S3_ENDPOINT "$S3_ENDPOINT" \
    S3_REGION "$S3_REGION" \
    AWS_ACCESS_KEY_ID "$AWS_ACCESS_KEY_ID" \
    AWS_SECRET_ACCESS_KEY "$AWS_SECRET_ACCESS_KEY" >&3
}

# --------------------------------------------------------------- install ----

install_if_missing() {
  local b missing=
  for b in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
    command -v "$b" >/dev/null || missing=1
  done
  [[ -n $missing ]] || return 0
  log "installing radosgw ceph-mon ceph-osd (about 20 s)"
  export DEBIAN_FRONTEND=noninteractive
  local install=(apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd)
  # No package lists yet (fresh image): update first. Stale lists (404 on
  # download): update and retry once.
  if ! apt-cache show radosgw >/dev/null 2>&1; then
    apt-get update
  fi
  if ! "${install[@]}"; then
    log "install failed; running apt-get update and retrying"
    apt-get update
    "${install[@]}"
  fi
}

# ------------------------------------------------------------------ config ---

write_conf() {
  local fsid=$1
  # \$name, \$cluster, \$id are Ceph's own metavariables, expanded per daemon.
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$CEPH_MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false

# No cephx: nothing to protect in a throwaway loopback cluster.
auth cluster required = none
auth service required = none
auth client required = none
# With auth none, msgr2 must use crc everywhere, or radosgw loops on
# "get_initial_auth_request returned -13".
ms mon client mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms cluster mode = crc
ms service mode = crc

# One OSD: one replica, few placement groups, no autoscaler (no mgr here).
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false

# Paxos batches proposals for 1 s by default; every pool radosgw creates at
# start-up waits on it. These bring start-up from ~11 s down to ~1 s.
paxos propose interval = 0.05
paxos min wait = 0.01

# Never refuse to start because the disk under CEPH_DIR is nearly full
# (the monitor's store is tiny; the data lives in RAM).
mon data avail crit = 0

# Everything lives in CEPH_DIR, nothing in /var or /etc.
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.pid
log file = $CEPH_DIR/log/\$name.log

[mon]
mon data = $CEPH_DIR/mon/\$cluster-\$id

[osd]
osd data = $CEPH_DIR/osd/\$cluster-\$id
# memstore: data in RAM, no disk to prepare. The size is only a cap (RAM is
# used as data arrives); 3 GiB holds one ~1.6 GB upload, but not two at once:
# overwriting a 1.6 GB object keeps the old one until the new one is complete.
# Do not fill it: a full OSD stalls requests instead of failing them (uploads
# hang, and deletes cannot free space because the GC's writes are dropped too).
osd objectstore = memstore
memstore device bytes = $CEPH_MEMSTORE_BYTES

[client.rgw]
rgw data = $CEPH_DIR/rgw
# Path-style S3 on loopback only (clients need forcePathStyle: true).
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
# Browser POST (policy + SigV4) and per-bucket CORS (PutBucketCors) are on by
# default in the S3 API; make sure the S3 API is enabled and nothing else
# we do not need runs.
rgw enable apis = s3, admin
rgw enable usage log = false
rgw dynamic resharding = false
# Deleted/overwritten objects free their space only when radosgw's garbage
# collector runs (default: after 2 h). The OSD is small and in RAM, so let
# the GC reclaim space within seconds, or repeated big uploads fill it up.
rgw gc obj min wait = 5
rgw gc processor period = 5
rgw gc processor max time = 5
# If the cluster is broken, fail within our own wait, not after 5 minutes.
rgw init timeout = $CEPH_START_TIMEOUT
EOF
}

# ------------------------------------------------------------------ start ----

start() {
  if s3_answers; then
    if ! s3_accepts_keys; then
      [[ -f $MARKER ]] || die "something at $S3_ENDPOINT answers S3 but rejects our keys, and $CEPH_DIR is not our cluster"
      log "already running at $S3_ENDPOINT; adding our access key"
      ensure_user
      wait_until "the S3 user to be accepted" s3_accepts_keys
    fi
    log "already running at $S3_ENDPOINT"
    print_exports
    return 0
  fi

  install_if_missing

  # A folder left from a crashed or killed run: clear it first.
  if [[ -e $CEPH_DIR ]]; then
    log "removing stale $CEPH_DIR"
    stop
  fi

  # radosgw exits without a useful log line when its port is taken, so check
  # both ports up front.
  local port
  for port in "$RGW_PORT" "$CEPH_MON_PORT"; do
    ! port_in_use "$port" || die "port $port on 127.0.0.1 is already in use by something else (set RGW_PORT / CEPH_MON_PORT)"
  done

  local t0 fsid osd_uuid osd_id
  t0=$(now_us)
  trap 'die "command failed (line $LINENO): $BASH_COMMAND"' ERR

  mkdir -p "$CEPH_DIR"/{mon,osd,rgw,log,run,pids}
  touch "$MARKER"
  fsid=$(</proc/sys/kernel/random/uuid)
  write_conf "$fsid"

  log "creating monitor"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$CEPH_MON_PORT]" \
    "$CEPH_DIR/monmap" >"$CEPH_DIR/log/monmaptool.out" 2>&1
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" >"$CEPH_DIR/log/mon-mkfs.out" 2>&1
  spawn mon.a ceph-mon -c "$CONF" -i a

  log "creating OSD"
  osd_uuid=$(</proc/sys/kernel/random/uuid)
  # `osd new` doubles as the wait for the monitor: the CLI retries until it
  # connects or times out.
  osd_id=$(ceph -c "$CONF" --connect-timeout "$CEPH_START_TIMEOUT" osd new "$osd_uuid" 2>>"$CEPH_DIR/log/ceph-cli.out")
  [[ $osd_id =~ ^[0-9]+$ ]] || die "ceph osd new returned '$osd_id'"
  # The data folder must exist before --mkfs, even for memstore.
  mkdir -p "$CEPH_DIR/osd/ceph-$osd_id"
  ceph-osd -c "$CONF" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >"$CEPH_DIR/log/osd-mkfs.out" 2>&1
  spawn "osd.$osd_id" ceph-osd -c "$CONF" -i "$osd_id"

  # radosgw creates its pools and waits for them to be served, so no need to
  # wait for the OSD separately.
  log "starting radosgw on $S3_ENDPOINT"
  spawn client.rgw radosgw -c "$CONF" -n client.rgw
  wait_until "radosgw to answer on $S3_ENDPOINT" s3_answers

  ensure_user
  wait_until "radosgw to accept the S3 keys" s3_accepts_keys

  trap - ERR
  log "ready in $(( ($(now_us) - t0) / 1000 )) ms: $S3_ENDPOINT (work folder $CEPH_DIR)"
  print_exports
}

# ------------------------------------------------------------------- stop ----

stop() {
  [[ -e $CEPH_DIR ]] || { log "nothing to stop ($CEPH_DIR does not exist)"; return 0; }
  case $(realpath -m "$CEPH_DIR") in
    / | /tmp | /root | /home | /usr | /var | /etc) die "refusing to delete $CEPH_DIR" ;;
  esac
  [[ -f $MARKER ]] || die "$CEPH_DIR was not created by this script (no .pu-ceph marker); not deleting it"
  kill_daemons
  rm -rf -- "$CEPH_DIR"
  log "stopped; removed $CEPH_DIR"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop   (see the comments at the top for the environment)" >&2; exit 2 ;;
esac
