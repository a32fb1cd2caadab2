// Package config is casedesk's typed configuration: defaults, overridden by
// CASEDESK_* environment variables, overridden by flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is what `casedesk serve` and `casedesk demo` run with.
type Config struct {
	Addr            string        // --addr, CASEDESK_ADDR
	DataDir         string        // --data, CASEDESK_DATA
	DatabaseURL     string        // --database-url, CASEDESK_DATABASE_URL
	AttachmentLimit int64         // --attachment-limit (bytes), CASEDESK_ATTACHMENT_LIMIT
	ShutdownTimeout time.Duration // --shutdown-timeout, CASEDESK_SHUTDOWN_TIMEOUT
	LogLevel        string        // --log-level, CASEDESK_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // --log-format, CASEDESK_LOG_FORMAT: text or json
	// DBStatementTimeout bounds each database statement and commit, and
	// DBAcquireTimeout the wait for a connection (or SQLite's lock): past
	// them a request answers 503 rather than waiting for the database.
	DBStatementTimeout time.Duration // --db-statement-timeout, CASEDESK_DB_STATEMENT_TIMEOUT
	DBAcquireTimeout   time.Duration // --db-acquire-timeout, CASEDESK_DB_ACQUIRE_TIMEOUT
	// RequestLimit requests may be opened per organization in any
	// RequestLimitWindow (0: no limit): --request-limit,
	// CASEDESK_REQUEST_LIMIT, --request-limit-window, CASEDESK_REQUEST_LIMIT_WINDOW.
	RequestLimit       int
	RequestLimitWindow time.Duration

	// PublicURL is the address people reach casedesk at (https://desk.example.com),
	// the base of every absolute link it writes; never taken from a request's
	// Host header. --public-url, CASEDESK_PUBLIC_URL.
	PublicURL string
	// SecureCookies is "auto" (Secure, __Host- cookies when PublicURL is
	// https), or a boolean. --secure-cookies, CASEDESK_SECURE_COOKIES.
	SecureCookies string
	// TrustedProxies lists the reverse proxies (CIDRs or addresses, comma
	// separated) whose Forwarded and X-Forwarded-For headers name the
	// client. --trusted-proxies, CASEDESK_TRUSTED_PROXIES.
	TrustedProxies string
	// ReadHeaderTimeout bounds the time to read a request's headers.
	// --read-header-timeout, CASEDESK_READ_HEADER_TIMEOUT.
	ReadHeaderTimeout time.Duration
	// BodyTimeout and BodyMinRate bound the time to read a request body:
	// a body of n bytes has BodyTimeout + n/BodyMinRate. --body-timeout,
	// CASEDESK_BODY_TIMEOUT; --body-min-rate (bytes per second),
	// CASEDESK_BODY_MIN_RATE.
	BodyTimeout time.Duration
	BodyMinRate int64
	// MetricsToken, when set, opens /metrics on the main listener to
	// requests bearing it (Authorization: Bearer …), and is required on
	// MetricsAddr too. --metrics-token, CASEDESK_METRICS_TOKEN.
	MetricsToken string
	// MetricsAddr, when set, serves /metrics on a listener of its own.
	// Without either setting /metrics is not served. --metrics-addr,
	// CASEDESK_METRICS_ADDR.
	MetricsAddr string
	// CORSOrigins lists the web origins (comma separated, e.g.
	// https://app.example.com, or * for any) whose pages may call the API
	// from a browser; empty, the default, allows none. --cors-origins,
	// CASEDESK_CORS_ORIGINS.
	CORSOrigins string

	// WebhookAllow names the networks (CIDRs, or bare IPs) and host:port
	// pairs webhook calls may reach although they are loopback, private,
	// link-local or otherwise internal (comma separated); empty, the
	// default, allows none. --webhook-allow, CASEDESK_WEBHOOK_ALLOW.
	WebhookAllow string
	// SMTPURL, when set, turns outbound mail on: notifications, password
	// resets, invitations and pre-sales answers are mailed through this
	// server. smtp://user:pass@host:port uses STARTTLS when the server
	// offers it (?tls=required insists on it); smtps://… is TLS from the
	// start; plain smtp://host:port suits a local relay. --smtp-url,
	// CASEDESK_SMTP_URL. It may hold a password: never shown or logged.
	SMTPURL string
	// SMTPInsecureSkipVerify skips the verification of the SMTP server's
	// certificate (as ?insecure=1 does): for test servers with a
	// self-signed certificate only. --smtp-insecure-skip-verify,
	// CASEDESK_SMTP_INSECURE_SKIP_VERIFY.
	SMTPInsecureSkipVerify bool
	// MailFrom and MailFromName are the mails' sender; MailReplyTo is the
	// support address customers answer (plus-addressed with each request's
	// token), by default MailFrom. --mail-from, --mail-from-name,
	// --mail-reply-to, CASEDESK_MAIL_FROM, CASEDESK_MAIL_FROM_NAME,
	// CASEDESK_MAIL_REPLY_TO.
	MailFrom     string
	MailFromName string
	MailReplyTo  string
}

// secretFlags are the flags whose values the usage message must not show.
var secretFlags = map[string]bool{"metrics-token": true, "smtp-url": true}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./casedesk-data", AttachmentLimit: 25 << 20,
		ShutdownTimeout: 15 * time.Second, LogLevel: "info", LogFormat: "text",
		DBStatementTimeout: 5 * time.Second, DBAcquireTimeout: 3 * time.Second,
		RequestLimit: 100, RequestLimitWindow: 10 * time.Minute,
		SecureCookies: "auto", ReadHeaderTimeout: 10 * time.Second, BodyTimeout: 10 * time.Second, BodyMinRate: 32 << 10}
}

// Register adds the flags to fs. Each flag's default is its CASEDESK_*
// environment variable when that is set (the flag's name in capitals, with
// "_" for "-": --attachment-limit ← CASEDESK_ATTACHMENT_LIMIT), else the
// value in c. A set variable is parsed exactly as its flag would be; a
// malformed one is an error naming the variable, so that the command fails
// as it would on a malformed flag. Call Validate after fs.Parse.
func (c *Config) Register(fs *flag.FlagSet) error {
	return c.register(fs, os.LookupEnv)
}

func (c *Config) register(fs *flag.FlagSet, lookupEnv func(string) (string, bool)) error {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (CASEDESK_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory: the SQLite file and attachments (CASEDESK_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://… selects PostgreSQL; empty means SQLite in --data (CASEDESK_DATABASE_URL)")
	fs.Int64Var(&c.AttachmentLimit, "attachment-limit", c.AttachmentLimit, "largest attachment in bytes (CASEDESK_ATTACHMENT_LIMIT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "time allowed for requests in flight at SIGTERM (CASEDESK_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (CASEDESK_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (CASEDESK_LOG_FORMAT)")
	fs.DurationVar(&c.DBStatementTimeout, "db-statement-timeout", c.DBStatementTimeout, "longest wait for one database statement or commit before answering 503 (CASEDESK_DB_STATEMENT_TIMEOUT)")
	fs.DurationVar(&c.DBAcquireTimeout, "db-acquire-timeout", c.DBAcquireTimeout, "longest wait for a database connection or SQLite's write lock before answering 503 (CASEDESK_DB_ACQUIRE_TIMEOUT)")
	fs.IntVar(&c.RequestLimit, "request-limit", c.RequestLimit, "requests customers and partners may open per organization in --request-limit-window; 0: no limit (CASEDESK_REQUEST_LIMIT)")
	fs.DurationVar(&c.RequestLimitWindow, "request-limit-window", c.RequestLimitWindow, "the window of --request-limit (CASEDESK_REQUEST_LIMIT_WINDOW)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the address people reach casedesk at, the base of the links it writes, e.g. https://desk.example.com (CASEDESK_PUBLIC_URL)")
	fs.StringVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "auto (when --public-url is https), true or false: Secure cookies with the __Host- prefix (CASEDESK_SECURE_COOKIES)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "comma-separated CIDRs of the reverse proxies whose Forwarded/X-Forwarded-For name the client (CASEDESK_TRUSTED_PROXIES)")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "time allowed to read a request's headers (CASEDESK_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", c.BodyTimeout, "time a request body may take beyond its size at --body-min-rate (CASEDESK_BODY_TIMEOUT)")
	fs.Int64Var(&c.BodyMinRate, "body-min-rate", c.BodyMinRate, "slowest average rate, in bytes per second, a request body may arrive at (CASEDESK_BODY_MIN_RATE)")
	fs.StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken, "bearer token that opens /metrics; without it and --metrics-addr, /metrics is not served (CASEDESK_METRICS_TOKEN)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve /metrics on this address of its own, e.g. 127.0.0.1:9090 (CASEDESK_METRICS_ADDR)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", c.CORSOrigins, "comma-separated origins (https://app.example.com) whose pages may call the API, or * for any; empty: none (CASEDESK_CORS_ORIGINS)")
	fs.StringVar(&c.WebhookAllow, "webhook-allow", c.WebhookAllow, "comma-separated CIDRs or host:port pairs of internal addresses webhooks may call (loopback, private, link-local are refused otherwise) (CASEDESK_WEBHOOK_ALLOW)")
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "turns mail on: smtp://user:pass@host:port (STARTTLS when offered; ?tls=required to insist), smtps://… (TLS), or smtp://host:port for a local relay (CASEDESK_SMTP_URL)")
	fs.BoolVar(&c.SMTPInsecureSkipVerify, "smtp-insecure-skip-verify", c.SMTPInsecureSkipVerify, "for testing only: accept any certificate from the SMTP server (CASEDESK_SMTP_INSECURE_SKIP_VERIFY)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "the address mails come from, e.g. support@desk.example.com; required with --smtp-url (CASEDESK_MAIL_FROM)")
	fs.StringVar(&c.MailFromName, "mail-from-name", c.MailFromName, "the display name of --mail-from, e.g. Acme Support (CASEDESK_MAIL_FROM_NAME)")
	fs.StringVar(&c.MailReplyTo, "mail-reply-to", c.MailReplyTo, "the support address customers reply to, plus-addressed per request (support+token@…); default --mail-from (CASEDESK_MAIL_REPLY_TO)")
	var errs []error
	for _, name := range []string{"webhook-allow",
		"addr", "data", "database-url", "attachment-limit", "shutdown-timeout", "log-level", "log-format",
		"db-statement-timeout", "db-acquire-timeout", "request-limit", "request-limit-window",
		"public-url", "secure-cookies", "trusted-proxies", "read-header-timeout", "body-timeout", "body-min-rate", "metrics-token", "metrics-addr",
		"smtp-url", "smtp-insecure-skip-verify", "mail-from", "mail-from-name", "mail-reply-to"} {
		f := fs.Lookup(name)
		env := envName(name)
		v, ok := lookupEnv(env)
		if !ok {
			continue
		}
		// Set the value, not the flag: the environment changes the default,
		// which the usage message then shows.
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("invalid value %q for %s: %v", v, env, err))
			continue
		}
		if !secretFlags[name] {
			f.DefValue = f.Value.String()
		}
	}
	return errors.Join(errs...)
}

// envName returns the environment variable of a flag: "attachment-limit" →
// "CASEDESK_ATTACHMENT_LIMIT".
func envName(flag string) string {
	return "CASEDESK_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// Validate checks the values.
func (c *Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("--addr is required")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database-url must start with postgres:// (leave it empty for SQLite)")
	}
	if c.AttachmentLimit < 1 {
		return fmt.Errorf("--attachment-limit must be positive")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	if c.DBStatementTimeout <= 0 || c.DBAcquireTimeout <= 0 {
		return fmt.Errorf("--db-statement-timeout and --db-acquire-timeout must be positive")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json")
	}
	if c.RequestLimit < 0 || (c.RequestLimit > 0 && c.RequestLimitWindow <= 0) {
		return fmt.Errorf("--request-limit must not be negative, and --request-limit-window must be positive when it is set")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("--public-url must be an http or https URL of a host, with no path, e.g. https://desk.example.com")
		}
		c.PublicURL = u.Scheme + "://" + u.Host
	}
	if c.SecureCookies != "auto" {
		if _, err := strconv.ParseBool(c.SecureCookies); err != nil {
			return fmt.Errorf("--secure-cookies must be auto, true or false")
		}
	}
	if _, err := parseProxies(c.TrustedProxies); err != nil {
		return err
	}
	if c.ReadHeaderTimeout <= 0 || c.BodyTimeout <= 0 {
		return fmt.Errorf("--read-header-timeout and --body-timeout must be positive")
	}
	if c.BodyMinRate < 1 {
		return fmt.Errorf("--body-min-rate must be positive")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return fmt.Errorf("--metrics-token must be at least 16 characters")
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		return fmt.Errorf("--metrics-addr must differ from --addr")
	}
	if _, err := parseOrigins(c.CORSOrigins); err != nil {
		return err
	}
	if _, _, err := parseWebhookAllow(c.WebhookAllow); err != nil {
		return err
	}
	return c.validateMail()
}

// validateMail checks the mail settings. Its errors never repeat the SMTP
// URL, which may hold a password.
func (c *Config) validateMail() error {
	if c.SMTPURL == "" {
		return nil
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		return fmt.Errorf("--smtp-url is malformed; write smtp://user:pass@host:port, smtps://user:pass@host:port or smtp://host:port")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return fmt.Errorf("--smtp-url must start with smtp:// or smtps://")
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return fmt.Errorf("--smtp-url must name a host and port and nothing more, e.g. smtp://user:pass@mail.example.com:587")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("--smtp-url: the port must be a number from 1 to 65535")
		}
	}
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		switch {
		case k == "tls" && v == "required" && u.Scheme == "smtp":
		case k == "tls":
			return fmt.Errorf("--smtp-url: tls=required is the one tls setting, and only for smtp:// (smtps:// is always TLS)")
		case k == "insecure":
			if _, err := strconv.ParseBool(v); err != nil {
				return fmt.Errorf("--smtp-url: insecure must be 1 or 0")
			}
		default:
			return fmt.Errorf("--smtp-url has an unknown parameter %q (known: tls=required, insecure=1)", k)
		}
	}
	if c.MailFrom == "" {
		return fmt.Errorf("--mail-from is required with --smtp-url: the address mails come from, e.g. support@desk.example.com")
	}
	if !bareAddress(c.MailFrom) {
		return fmt.Errorf("--mail-from must be a bare address such as support@desk.example.com (the name goes in --mail-from-name)")
	}
	if c.MailReplyTo == "" {
		c.MailReplyTo = c.MailFrom
	} else if !bareAddress(c.MailReplyTo) || strings.Contains(c.MailReplyTo, "+") {
		return fmt.Errorf("--mail-reply-to must be a bare address without +detail such as support@desk.example.com")
	}
	if strings.ContainsAny(c.MailFromName, "\r\n") {
		return fmt.Errorf("--mail-from-name must be one line")
	}
	if c.PublicURL == "" {
		return fmt.Errorf("--public-url is required with --smtp-url: every link in a mail is absolute on it, e.g. https://desk.example.com")
	}
	return nil
}

// WebhookAllowList returns --webhook-allow: the networks (a bare address is
// a network of one) and the host:port pairs, lower case. Call it after
// Validate.
func (c *Config) WebhookAllowList() (nets []netip.Prefix, hosts []string) {
	nets, hosts, _ = parseWebhookAllow(c.WebhookAllow)
	return nets, hosts
}

func parseWebhookAllow(s string) ([]netip.Prefix, []string, error) {
	var nets []netip.Prefix
	var hosts []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			nets = append(nets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		host, port, err := net.SplitHostPort(f)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 || strings.ContainsAny(host, "/@ ") {
			return nil, nil, fmt.Errorf("--webhook-allow: %q is not a CIDR (10.0.0.0/8), an IP address, nor host:port (hooks.internal:8443)", f)
		}
		hosts = append(hosts, strings.ToLower(net.JoinHostPort(host, port)))
	}
	return nets, hosts, nil

}

// bareAddress reports whether s is an address alone, without a name.
func bareAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Contains(s, "@")
}

// Origins returns the origins allowed to call the API from a browser
// (--cors-origins), each as scheme://host[:port] in lower case, or "*".
// Call it after Validate.
func (c *Config) Origins() []string {
	o, _ := parseOrigins(c.CORSOrigins)
	return o
}

func parseOrigins(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if f == "*" {
			out = append(out, f)
			continue
		}
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("--cors-origins: %q is not an origin such as https://app.example.com, nor *", f)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// CookiesSecure says whether cookies are Secure with the __Host- prefix:
// as --secure-cookies says, or, on auto, when the public URL is https.
func (c *Config) CookiesSecure() bool {
	if b, err := strconv.ParseBool(c.SecureCookies); err == nil {
		return b
	}
	return strings.HasPrefix(c.PublicURL, "https://")
}

// Proxies returns the trusted proxies' networks (a bare address is a
// network of one). Call it after Validate.
func (c *Config) Proxies() []netip.Prefix {
	p, _ := parseProxies(c.TrustedProxies)
	return p
}

func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR or an IP address", f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
