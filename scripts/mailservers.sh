#!/usr/bin/env bash
# mailservers.sh: the real mail servers the tests send to and read from
# (run as root; safe to run again). Debian's postfix takes mail for the test
# domains desk.test, customer.test, partner.test and example.test on
# 127.0.0.1:2525 (SMTP, STARTTLS offered) and 127.0.0.1:4650 (implicit TLS)
# and delivers every address over LMTP to a dovecot instance of its own,
# which serves IMAP on 127.0.0.1:1143 (any user, password "test").
# Configuration lives in .ci/mail/; this script installs the packages when
# absent, applies it, and starts or reloads both daemons. It leaves the rest
# of a postfix that already runs for other reasons as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
conf=.ci/mail

if [ "$(id -u)" != 0 ]; then
  echo "mailservers.sh: run as root" >&2
  exit 1
fi

# Packages. Postfix is preseeded so apt asks nothing; "Local only" gives it
# a main.cf that keeps port 25 on loopback and relays nowhere.
missing=()
for p in postfix dovecot-imapd dovecot-lmtpd ssl-cert; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q 'install ok installed'; then
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string $(hostname)" | debconf-set-selections
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -f /etc/ssl/private/ssl-cert-snakeoil.key ]; then
  make-ssl-cert generate-default-snakeoil
fi

# The owner of the test mailboxes.
if ! id casedeskmail >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /var/mail/casedesk-test --shell /usr/sbin/nologin casedeskmail
fi
install -d -o casedeskmail -g casedeskmail -m 0750 /var/mail/casedesk-test

# Postfix: refuse to take over virtual mailbox settings that something else
# on this machine already uses (ours, from an earlier run, name casedesk or
# only .test domains).
ours() {
  case "$1" in *casedesk*) return 0 ;; esac
  for d in $1; do case "$d" in *.test) ;; *) return 1 ;; esac; done
}
for p in virtual_mailbox_domains virtual_mailbox_maps virtual_transport; do
  have=$(postconf -nh "$p" 2>/dev/null || true)
  if [ -n "$have" ] && ! ours "$have"; then
    echo "mailservers.sh: postfix already sets $p = $have; merge .ci/mail/postfix-main.cf by hand" >&2
    exit 1
  fi
done
[ -f /etc/postfix/main.cf ] || cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
install -m 0644 "$conf/postfix-mailboxes.regexp" /etc/postfix/casedesk-test-mailboxes.regexp
grep -v '^#' "$conf/postfix-main.cf" | grep -v '^$' | while IFS= read -r line; do
  postconf -e "$line"
done
grep -v '^#' "$conf/postfix-master.cf" | grep -v '^$' | while IFS= read -r line; do
  postconf -M "${line%% = *}=${line#* = }"
done
# Postfix logs to syslog; where no syslog runs (containers), to a file.
if [ ! -S /dev/log ] && [ -z "$(postconf -nh maillog_file 2>/dev/null || true)" ]; then
  postconf -e maillog_file=/var/log/postfix.log
fi
postfix check

# Dovecot: its own instance, configured wholly by .ci/mail/dovecot.conf.
install -d /etc/dovecot-casedesk-test
install -m 0644 "$conf/dovecot.conf" /etc/dovecot-casedesk-test/dovecot.conf
dovecot_conf=/etc/dovecot-casedesk-test/dovecot.conf
doveconf -c "$dovecot_conf" -n >/dev/null

if doveadm -c "$dovecot_conf" instance list 2>/dev/null | grep -q casedesk-test \
   && [ -S /run/dovecot-casedesk-test/master ] && dovecot -c "$dovecot_conf" reload 2>/dev/null; then
  :
else
  dovecot -c "$dovecot_conf"
fi

# Without systemd, Debian's postfix needs its chroot files copied as its
# unit would do before starting.
if [ -x /usr/lib/postfix/configure-instance.sh ]; then
  /usr/lib/postfix/configure-instance.sh - >/dev/null
fi
if postfix status >/dev/null 2>&1; then
  postfix reload >/dev/null 2>&1
else
  postfix start >/dev/null 2>&1
fi

# Ready when every port answers (scripts may wait; tests never do).
ready() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 2525 4650 1143; do
  for _ in $(seq 1 50); do ready "$port" && break; sleep 0.2; done
  if ! ready "$port"; then
    echo "mailservers.sh: nothing answers on 127.0.0.1:$port" >&2
    exit 1
  fi
done
[ -S /var/spool/postfix/private/casedesk-test-lmtp ] || { echo "mailservers.sh: no LMTP socket" >&2; exit 1; }
echo "mail servers ready: SMTP 127.0.0.1:2525, SMTPS 127.0.0.1:4650, IMAP 127.0.0.1:1143 (password test)"
