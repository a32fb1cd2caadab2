// Command casedesk is the service desk: the server, its demo, migrations,
// operator tools and the load tool, in one binary.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/loadtest"
	"github.com/casedesk/casedesk/internal/mail"
	"github.com/casedesk/casedesk/internal/web"
)

const usage = `casedesk — a service desk for subscription support

usage:
  casedesk serve    [flags]   run the server
  casedesk demo     [flags]   seed a demo into an empty data dir, print its accounts, and serve
  casedesk migrate  [flags]   apply database migrations and exit
  casedesk operator create --email E --name N [--provider NAME]   create the provider and an operator (password from stdin or CASEDESK_PASSWORD)
  casedesk user reset-password --email E [--must-change]          set a user's password (from stdin or CASEDESK_PASSWORD)
  casedesk loadtest --url U --token T [--clients C] [--duration D]
  casedesk bench-seed [--orgs N] [--requests N] [flags]          fill an empty database with synthetic data for benchmarks
  casedesk sla due  < input.jsonl                                 compute SLA due times (see docs/sla.md)
  casedesk version                                                (also: casedesk --version)

Run "casedesk COMMAND -h" for a command's flags.
`

func main() { os.Exit(mainExit()) }

// mainExit runs the command line until done or until SIGINT/SIGTERM asks
// for a graceful stop, and returns the exit code.
func mainExit() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return exitCode(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr)
}

// exitCode reports err and returns the process's exit status: 0 when the
// command succeeded or its help was asked for (-h, --help), 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(stderr, "casedesk:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr, false)
	case "demo":
		return serve(ctx, rest, stdout, stderr, true)
	case "migrate":
		cfg, log, err := parse("migrate", rest, stderr)
		if err != nil {
			return err
		}
		a, err := Open(ctx, cfg, log, nil)
		if err != nil {
			return err
		}
		defer a.Close()
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	case "operator", "user":
		return admin(ctx, cmd, rest, stdin, stdout, stderr)
	case "loadtest":
		fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
		fs.SetOutput(stderr)
		lc := loadtest.Flags(fs)
		if err := fs.Parse(rest); err != nil {
			return err
		}
		lc.Out = stdout
		_, err := loadtest.Run(ctx, *lc)
		return err
	case "bench-seed":
		return benchSeed(ctx, rest, stdin, stdout, stderr)
	case "sla":
		return slaCommand(rest, stdin, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "casedesk", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func parse(name string, args []string, stderr io.Writer) (config.Config, *slog.Logger, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := cfg.Register(fs); err != nil {
		return cfg, nil, err
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, nil, err
	}
	return cfg, newLogger(cfg, stderr), nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(edge.LogHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(edge.LogHandler(slog.NewTextHandler(w, opts)))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, demo bool) error {
	name := "serve"
	if demo {
		name = "demo"
	}
	start := time.Now()
	cfg, log, err := parse(name, args, stderr)
	if err != nil {
		return err
	}
	var links web.LinkSender
	var ln net.Listener
	if demo {
		// The demo's links are built on the address it listens on, unless
		// told otherwise, and shown on its terminal: it has no mail.
		if cfg.PublicURL == "" {
			if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
			}
			defer ln.Close()
			cfg.PublicURL = "http://" + reachable(ln.Addr())
		}
		links = &terminalLinks{w: stdout}
	}
	a, err := open(ctx, cfg, log, nil, links)
	if err != nil {
		return err
	}
	defer a.Close()
	a.ln = ln
	if err := a.Listen(); err != nil {
		return err
	}
	if cfg.PublicURL == "" {
		log.Warn("--public-url is not set: casedesk makes no absolute links (password-reset links are not sent) " +
			"and never builds one from a request's Host header; set it to the address people reach casedesk at")
	}
	if cfg.SMTPURL != "" {
		// The server's address only: the URL may hold a password.
		srv, _ := mail.ParseSMTPURL(cfg.SMTPURL)
		log.Info("mail on", "smtp", srv.Addr, "from", cfg.MailFrom, "reply_to", cfg.MailReplyTo)
	} else {
		log.Info("mail off: notifications stay in the console, and the pages say no mail is sent (set --smtp-url to mail)")
	}
	log.Info("ready", "startup", time.Since(start).Round(time.Microsecond).String())
	if demo {
		if err := seedDemo(ctx, a, stdout); err != nil {
			return err
		}
	}
	return a.Run(ctx)
}

// reachable is a listener's address as a browser on this machine reaches
// it: an unspecified host (every interface) is localhost.
func reachable(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// terminalLinks shows the demo's password-reset links on its terminal,
// where whoever runs the demo reads its accounts and passwords too; a
// served casedesk never writes them anywhere but to their user.
type terminalLinks struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *terminalLinks) SendResetLink(_ context.Context, u *casedesk.User, link string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := fmt.Fprintf(t.w, "Password reset link for %s (the demo sends no mail): %s\n", u.Email, link)
	return err
}

// readPassword takes a password from CASEDESK_PASSWORD or the first line of stdin.
func readPassword(stdin io.Reader) (string, error) {
	if p := os.Getenv("CASEDESK_PASSWORD"); p != "" {
		return p, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("give the password on stdin or in CASEDESK_PASSWORD")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func admin(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s: missing subcommand", cmd)
	}
	sub := args[0]
	cfg := config.Default()
	fs := flag.NewFlagSet(cmd+" "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := cfg.Register(fs); err != nil {
		return err
	}
	email := fs.String("email", "", "the user's email")
	name := fs.String("name", "", "the operator's name")
	provider := fs.String("provider", "Provider", "the provider organization's name, if it does not exist yet")
	mustChange := fs.Bool("must-change", false, "require a new password at next sign-in")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := Open(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	switch cmd + " " + sub {
	case "operator create":
		u, err := a.Desk.Bootstrap(ctx, *provider, *email, *name, pw)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "operator %s created (user %d)\n", u.Email, u.ID)
		return nil
	case "user reset-password":
		if err := a.Desk.ResetPassword(ctx, *email, pw, *mustChange); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password of %s reset; their sessions and tokens are revoked\n", *email)
		return nil
	}
	return fmt.Errorf("unknown command %q", cmd+" "+sub)
}

func describe(err error) error {
	if f := casedesk.ErrorField(err); f != "" {
		return fmt.Errorf("%s: %s", f, casedesk.ErrorMessage(err))
	}
	if casedesk.ErrorCode(err) != casedesk.EINTERNAL {
		return errors.New(casedesk.ErrorMessage(err))
	}
	return err
}
