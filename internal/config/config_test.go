package config

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// parse registers a Config's flags with env as the environment, parses args
// and validates, as the commands do.
func parse(env map[string]string, args ...string) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	if err := c.register(fs, lookup); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestPrecedence(t *testing.T) {
	with := func(f func(*Config)) Config {
		c := Default()
		f(&c)
		return c
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Config
	}{
		{"defaults", nil, nil, Default()},
		{"environment over defaults", map[string]string{
			"CASEDESK_ADDR": ":9000", "CASEDESK_DATA": "/var/lib/casedesk", "CASEDESK_DATABASE_URL": "postgres://db/casedesk",
			"CASEDESK_ATTACHMENT_LIMIT": "1048576", "CASEDESK_SHUTDOWN_TIMEOUT": "1m30s",
			"CASEDESK_LOG_LEVEL": "debug", "CASEDESK_LOG_FORMAT": "json",
			"CASEDESK_DB_STATEMENT_TIMEOUT": "250ms", "CASEDESK_DB_ACQUIRE_TIMEOUT": "1s",
			"CASEDESK_REQUEST_LIMIT": "20", "CASEDESK_REQUEST_LIMIT_WINDOW": "1h",
		}, nil, with(func(c *Config) {
			c.Addr, c.DataDir, c.DatabaseURL, c.AttachmentLimit, c.ShutdownTimeout, c.LogLevel, c.LogFormat =
				":9000", "/var/lib/casedesk", "postgres://db/casedesk", 1<<20, 90*time.Second, "debug", "json"
			c.DBStatementTimeout, c.DBAcquireTimeout, c.RequestLimit, c.RequestLimitWindow = 250*time.Millisecond, time.Second, 20, time.Hour
		})},
		{"edge settings from the environment", map[string]string{
			"CASEDESK_PUBLIC_URL": "https://desk.example.com/", "CASEDESK_SECURE_COOKIES": "false",
			"CASEDESK_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7", "CASEDESK_READ_HEADER_TIMEOUT": "3s",
			"CASEDESK_BODY_TIMEOUT": "4s", "CASEDESK_BODY_MIN_RATE": "1000",
			"CASEDESK_METRICS_TOKEN": "0123456789abcdef0123", "CASEDESK_METRICS_ADDR": "127.0.0.1:9090",
		}, nil, with(func(c *Config) {
			c.PublicURL, c.SecureCookies, c.TrustedProxies = "https://desk.example.com", "false", "10.0.0.0/8, 192.0.2.7"
			c.ReadHeaderTimeout, c.BodyTimeout, c.BodyMinRate = 3*time.Second, 4*time.Second, 1000
			c.MetricsToken, c.MetricsAddr = "0123456789abcdef0123", "127.0.0.1:9090"
		})},
		{"two listeners on port 0", nil, []string{"--addr=127.0.0.1:0", "--metrics-addr=127.0.0.1:0"},
			with(func(c *Config) { c.Addr, c.MetricsAddr = "127.0.0.1:0", "127.0.0.1:0" })},
		{"edge flags over the environment", map[string]string{"CASEDESK_PUBLIC_URL": "https://a.example", "CASEDESK_BODY_MIN_RATE": "1000"},
			[]string{"--public-url=http://localhost:8080", "--body-min-rate=2000", "--trusted-proxies=::1"},
			with(func(c *Config) { c.PublicURL, c.BodyMinRate, c.TrustedProxies = "http://localhost:8080", 2000, "::1" })},
		{"flags over environment", map[string]string{"CASEDESK_ADDR": ":9000", "CASEDESK_ATTACHMENT_LIMIT": "1048576", "CASEDESK_SHUTDOWN_TIMEOUT": "1m"},
			[]string{"--addr", ":9001", "--attachment-limit=2048", "--shutdown-timeout=5s"},
			with(func(c *Config) { c.Addr, c.AttachmentLimit, c.ShutdownTimeout = ":9001", 2048, 5*time.Second })},
		{"flags over defaults", nil, []string{"--data", "d", "--log-format", "json", "--request-limit=0"},
			with(func(c *Config) { c.DataDir, c.LogFormat, c.RequestLimit = "d", "json", 0 })},
		{"mail from the environment", map[string]string{"CASEDESK_SMTP_URL": "smtp://u:p@mail.example.com:587?tls=required",
			"CASEDESK_MAIL_FROM": "support@desk.example.com", "CASEDESK_MAIL_FROM_NAME": "Acme Support",
			"CASEDESK_PUBLIC_URL": "https://desk.example.com", "CASEDESK_SMTP_INSECURE_SKIP_VERIFY": "true"}, nil,
			with(func(c *Config) {
				c.SMTPURL, c.MailFrom, c.MailFromName, c.PublicURL = "smtp://u:p@mail.example.com:587?tls=required", "support@desk.example.com", "Acme Support", "https://desk.example.com"
				c.MailReplyTo, c.SMTPInsecureSkipVerify = "support@desk.example.com", true // the reply address defaults to From
			})},
		{"mail flags", nil, []string{"--smtp-url=smtps://mail.example.com?insecure=1", "--mail-from=desk@example.com", "--mail-reply-to=help@example.com", "--public-url=https://desk.example.com"},
			with(func(c *Config) {
				c.SMTPURL, c.MailFrom, c.MailReplyTo, c.PublicURL = "smtps://mail.example.com?insecure=1", "desk@example.com", "help@example.com", "https://desk.example.com"
			})},
		{"an empty variable is a value", map[string]string{"CASEDESK_DATABASE_URL": ""}, nil, Default()},
		{"other variables are not read", map[string]string{"CASEDESK_PASSWORD": "x", "ADDR": ":1"}, nil, Default()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// mailArgs returns good mail flags, then args (later flags win).
func mailArgs(args ...string) []string {
	return append([]string{"--smtp-url=smtp://localhost:25", "--mail-from=support@desk.example.com", "--public-url=https://desk.example.com"}, args...)
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the error
	}{
		{"integer variable", map[string]string{"CASEDESK_ATTACHMENT_LIMIT": "abc"}, nil, `invalid value "abc" for CASEDESK_ATTACHMENT_LIMIT`},
		{"integer variable with a unit", map[string]string{"CASEDESK_ATTACHMENT_LIMIT": "25MB"}, nil, "CASEDESK_ATTACHMENT_LIMIT"},
		{"duration variable", map[string]string{"CASEDESK_SHUTDOWN_TIMEOUT": "15"}, nil, `invalid value "15" for CASEDESK_SHUTDOWN_TIMEOUT`},
		// A flag given as well does not hide a malformed variable.
		{"variable under a good flag", map[string]string{"CASEDESK_SHUTDOWN_TIMEOUT": "soon"}, []string{"--shutdown-timeout=1s"}, "CASEDESK_SHUTDOWN_TIMEOUT"},
		{"both named", map[string]string{"CASEDESK_SHUTDOWN_TIMEOUT": "soon", "CASEDESK_ATTACHMENT_LIMIT": "-"}, nil, "CASEDESK_ATTACHMENT_LIMIT"},
		{"integer flag", nil, []string{"--attachment-limit=abc"}, `invalid value "abc" for flag -attachment-limit`},
		{"duration flag", nil, []string{"--shutdown-timeout=15"}, `invalid value "15" for flag -shutdown-timeout`},
		{"unknown flag", nil, []string{"--adress=:1"}, "flag provided but not defined"},
		{"log level from the environment", map[string]string{"CASEDESK_LOG_LEVEL": "verbose"}, nil, "--log-level must be"},
		{"log format", nil, []string{"--log-format=xml"}, "--log-format must be"},
		{"database URL", map[string]string{"CASEDESK_DATABASE_URL": "mysql://db"}, nil, "--database-url must start with postgres://"},
		{"empty address", map[string]string{"CASEDESK_ADDR": ""}, nil, "--addr is required"},
		{"attachment limit", nil, []string{"--attachment-limit=0"}, "--attachment-limit must be positive"},
		{"statement timeout", nil, []string{"--db-statement-timeout=0s"}, "--db-statement-timeout and --db-acquire-timeout must be positive"},
		{"acquire timeout variable", map[string]string{"CASEDESK_DB_ACQUIRE_TIMEOUT": "3"}, nil, "CASEDESK_DB_ACQUIRE_TIMEOUT"},
		{"request limit", map[string]string{"CASEDESK_REQUEST_LIMIT": "-1"}, nil, "--request-limit must not be negative"},
		{"request limit window", nil, []string{"--request-limit-window=0s"}, "--request-limit-window must be positive"},
		{"request limit variable", map[string]string{"CASEDESK_REQUEST_LIMIT": "lots"}, nil, "CASEDESK_REQUEST_LIMIT"},
		{"public URL without a scheme", map[string]string{"CASEDESK_PUBLIC_URL": "desk.example.com"}, nil, "--public-url must be"},
		{"public URL of another scheme", nil, []string{"--public-url=ftp://desk.example.com"}, "--public-url must be"},
		{"public URL with a path", nil, []string{"--public-url=https://example.com/desk"}, "--public-url must be"},
		{"public URL with a query", nil, []string{"--public-url=https://example.com/?a=b"}, "--public-url must be"},
		{"secure cookies", map[string]string{"CASEDESK_SECURE_COOKIES": "sometimes"}, nil, "--secure-cookies must be auto, true or false"},
		{"trusted proxy", map[string]string{"CASEDESK_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, `"proxy.local" is not a CIDR`},
		{"trusted proxy prefix", nil, []string{"--trusted-proxies=10.0.0.0/33"}, `"10.0.0.0/33" is not a CIDR`},
		{"body rate variable", map[string]string{"CASEDESK_BODY_MIN_RATE": "32KiB"}, nil, "CASEDESK_BODY_MIN_RATE"},
		{"body rate", nil, []string{"--body-min-rate=0"}, "--body-min-rate must be positive"},
		{"body timeout", map[string]string{"CASEDESK_BODY_TIMEOUT": "0s"}, nil, "--body-timeout must be positive"},
		{"header timeout variable", map[string]string{"CASEDESK_READ_HEADER_TIMEOUT": "10"}, nil, "CASEDESK_READ_HEADER_TIMEOUT"},
		{"short metrics token", map[string]string{"CASEDESK_METRICS_TOKEN": "secret"}, nil, "--metrics-token must be at least 16"},
		{"SMTP scheme", nil, mailArgs("--smtp-url=http://u:secret@mail.example.com"), "--smtp-url must start with smtp:// or smtps://"},
		{"SMTP without host", nil, mailArgs("--smtp-url=smtp://u:secret@:25"), "--smtp-url must name a host"},
		{"SMTP with a path", nil, mailArgs("--smtp-url=smtp://mail.example.com/relay"), "--smtp-url must name a host"},
		{"SMTP port", nil, mailArgs("--smtp-url=smtp://mail.example.com:0"), "the port must be"},
		{"SMTP tls", nil, mailArgs("--smtp-url=smtps://mail.example.com?tls=required"), "only for smtp://"},
		{"SMTP parameter", nil, mailArgs("--smtp-url=smtp://mail.example.com?auth=none"), `unknown parameter "auth"`},
		{"SMTP insecure", nil, mailArgs("--smtp-url=smtp://mail.example.com?insecure=maybe"), "insecure must be 1 or 0"},
		{"SMTP URL malformed", map[string]string{"CASEDESK_SMTP_URL": "smtp://u:secret@mail example.com"}, mailArgs()[1:], "--smtp-url is malformed"},
		{"mail without From", nil, []string{"--smtp-url=smtp://localhost:25", "--public-url=https://desk.example.com"}, "--mail-from is required with --smtp-url"},
		{"From with a name", nil, mailArgs("--mail-from=Support <support@desk.example.com>"), "--mail-from must be a bare address"},
		{"reply-to with a detail", nil, mailArgs("--mail-reply-to=support+x@desk.example.com"), "--mail-reply-to must be a bare address"},
		{"mail without public URL", nil, []string{"--smtp-url=smtp://localhost:25", "--mail-from=support@desk.example.com"}, "--public-url is required with --smtp-url"},
		{"insecure flag variable", map[string]string{"CASEDESK_SMTP_INSECURE_SKIP_VERIFY": "perhaps"}, nil, "CASEDESK_SMTP_INSECURE_SKIP_VERIFY"},
		{"metrics on the main address", nil, []string{"--metrics-addr=127.0.0.1:8080"}, "--metrics-addr must differ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error %v shows a password", err)
			}
		})
	}
	_, err := parse(map[string]string{"CASEDESK_SHUTDOWN_TIMEOUT": "soon", "CASEDESK_ATTACHMENT_LIMIT": "-"})
	if !strings.Contains(err.Error(), "CASEDESK_SHUTDOWN_TIMEOUT") {
		t.Errorf("only one of two malformed variables named: %v", err)
	}
}

// TestRegisterReadsTheEnvironment: Register reads the process environment,
// and the usage message shows the value taken from it.
func TestRegisterReadsTheEnvironment(t *testing.T) {
	t.Setenv("CASEDESK_SHUTDOWN_TIMEOUT", "42s")
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := c.Register(fs); err != nil {
		t.Fatal(err)
	}
	if c.ShutdownTimeout != 42*time.Second || fs.Lookup("shutdown-timeout").DefValue != "42s" {
		t.Fatalf("shutdown timeout %s, shown default %s", c.ShutdownTimeout, fs.Lookup("shutdown-timeout").DefValue)
	}
	t.Setenv("CASEDESK_SHUTDOWN_TIMEOUT", "42")
	c = Default()
	if err := c.Register(flag.NewFlagSet("test", flag.ContinueOnError)); err == nil || !strings.Contains(err.Error(), "CASEDESK_SHUTDOWN_TIMEOUT") {
		t.Fatalf("malformed variable: %v", err)
	}
}

// TestDerived: secure cookies follow the public URL unless told, and the
// trusted proxies are networks.
func TestDerived(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--public-url=http://desk.example.com"}, false},
		{[]string{"--public-url=https://desk.example.com"}, true},
		{[]string{"--public-url=https://desk.example.com", "--secure-cookies=false"}, false},
		{[]string{"--public-url=http://desk.example.com", "--secure-cookies=true"}, true},
		{[]string{"--secure-cookies=1"}, true},
	} {
		c, err := parse(nil, tt.args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.CookiesSecure(); got != tt.want {
			t.Errorf("%v: CookiesSecure() = %v, want %v", tt.args, got, tt.want)
		}
	}
	c, err := parse(nil, "--trusted-proxies=10.1.2.3/8, 192.0.2.7,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Proxies()); got != "[10.0.0.0/8 192.0.2.7/32 2001:db8::/32]" {
		t.Errorf("Proxies() = %s", got)
	}
}

// TestSecretsStayOutOfTheUsage: the metrics token taken from the
// environment is not printed as the flag's default.
func TestSecretsStayOutOfTheUsage(t *testing.T) {
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := c.register(fs, func(name string) (string, bool) {
		if name == "CASEDESK_METRICS_TOKEN" {
			return "0123456789abcdef-secret", true
		}
		if name == "CASEDESK_SMTP_URL" {
			return "smtp://u:smtp-secret@mail.example.com", true
		}
		return "", false
	}); err != nil {
		t.Fatal(err)
	}
	var usage strings.Builder
	fs.SetOutput(&usage)
	fs.PrintDefaults()
	if c.MetricsToken != "0123456789abcdef-secret" || strings.Contains(usage.String(), "secret") {
		t.Fatalf("token %q; usage shows it: %v", c.MetricsToken, strings.Contains(usage.String(), "secret"))
	}
}

func TestEnvName(t *testing.T) {
	for flag, want := range map[string]string{"addr": "CASEDESK_ADDR", "database-url": "CASEDESK_DATABASE_URL", "attachment-limit": "CASEDESK_ATTACHMENT_LIMIT"} {
		if got := envName(flag); got != want {
			t.Errorf("envName(%q) = %q, want %q", flag, got, want)
		}
	}
}

func TestCORSOrigins(t *testing.T) {
	c := Default()
	c.CORSOrigins = " https://App.example.com/ , http://localhost:5173,*"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Origins(), " "); got != "https://app.example.com http://localhost:5173 *" {
		t.Fatalf("origins: %q", got)
	}
	for _, bad := range []string{"app.example.com", "https://app.example.com/path", "ftp://x", "https://u@x"} {
		c.CORSOrigins = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--cors-origins") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if c := Default(); len(c.Origins()) != 0 {
		t.Fatalf("default origins: %v", c.Origins())
	}
}

func TestWebhookAllow(t *testing.T) {
	c := Default()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	if err := c.register(fs, func(name string) (string, bool) {
		if name == "CASEDESK_WEBHOOK_ALLOW" {
			return " 10.1.2.0/24, 127.0.0.1:8443 ,Hooks.Internal:9000,::1,[fd00::1]:443,192.168.1.7", true
		}
		return "", false
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	nets, hosts := c.WebhookAllowList()
	if fmt.Sprint(nets) != "[10.1.2.0/24 ::1/128 192.168.1.7/32]" {
		t.Errorf("networks: %v", nets)
	}
	if strings.Join(hosts, " ") != "127.0.0.1:8443 hooks.internal:9000 [fd00::1]:443" {
		t.Errorf("hosts: %v", hosts)
	}
	for _, bad := range []string{"10.0.0.0/33", "hooks.internal", "x:0", "x:99999", "http://x:80", "u@x:80"} {
		c.WebhookAllow = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--webhook-allow") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	d := Default()
	if nets, hosts := d.WebhookAllowList(); nets != nil || hosts != nil {
		t.Errorf("default allow-list: %v %v", nets, hosts)
	}
}
