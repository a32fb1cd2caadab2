package config

import (
	"flag"
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
		}, nil, Config{Addr: ":9000", DataDir: "/var/lib/casedesk", DatabaseURL: "postgres://db/casedesk",
			AttachmentLimit: 1 << 20, ShutdownTimeout: 90 * time.Second, LogLevel: "debug", LogFormat: "json",
			DBStatementTimeout: 250 * time.Millisecond, DBAcquireTimeout: time.Second,
			RequestLimit: 20, RequestLimitWindow: time.Hour}},
		{"flags over environment", map[string]string{"CASEDESK_ADDR": ":9000", "CASEDESK_ATTACHMENT_LIMIT": "1048576", "CASEDESK_SHUTDOWN_TIMEOUT": "1m"},
			[]string{"--addr", ":9001", "--attachment-limit=2048", "--shutdown-timeout=5s"},
			with(func(c *Config) { c.Addr, c.AttachmentLimit, c.ShutdownTimeout = ":9001", 2048, 5*time.Second })},
		{"flags over defaults", nil, []string{"--data", "d", "--log-format", "json", "--request-limit=0"},
			with(func(c *Config) { c.DataDir, c.LogFormat, c.RequestLimit = "d", "json", 0 })},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
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

func TestEnvName(t *testing.T) {
	for flag, want := range map[string]string{"addr": "CASEDESK_ADDR", "database-url": "CASEDESK_DATABASE_URL", "attachment-limit": "CASEDESK_ATTACHMENT_LIMIT"} {
		if got := envName(flag); got != want {
			t.Errorf("envName(%q) = %q, want %q", flag, got, want)
		}
	}
}
