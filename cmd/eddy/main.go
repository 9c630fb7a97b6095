// Command eddy runs the Eddy streaming SQL database.
//
//	eddy [flags]                   serve on 127.0.0.1:4566 with data in ./eddy-data
//	eddy playground [flags]        serve on a temporary data directory, removed on exit,
//	                               with a Kafka-compatible broker on 127.0.0.1:9092
//	eddy produce --topic T [flags] write the lines of stdin to a Kafka topic
//
// Every flag can also be set with an environment variable: --listen is
// EDDY_LISTEN, --data-dir is EDDY_DATA_DIR, and so on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/eddy-db/eddy/pgwire"
	"github.com/eddy-db/eddy/sql"
)

const version = "0.1.0"

type config struct {
	listen     string
	dataDir    string
	logLevel   string
	authMethod string
	password   string
	user       string
	playground bool
	cpuProfile string
	barrierMS  int
	// kafkaListen is where the playground's broker listens ("" = none).
	kafkaListen string
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eddy:", err)
		os.Exit(1)
	}
}

// envInt returns the environment variable as an int, or def.
func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// envOr returns the environment variable's value, or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func parseFlags(args []string, out io.Writer) (*config, error) {
	cfg := &config{}
	if len(args) > 0 && args[0] == "playground" {
		cfg.playground = true
		args = args[1:]
	}
	fs := flag.NewFlagSet("eddy", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.listen, "listen", envOr("EDDY_LISTEN", "127.0.0.1:4566"), "address to serve the PostgreSQL protocol on (EDDY_LISTEN)")
	fs.StringVar(&cfg.dataDir, "data-dir", envOr("EDDY_DATA_DIR", "./eddy-data"), "directory holding the database (EDDY_DATA_DIR); ignored by playground")
	fs.StringVar(&cfg.logLevel, "log-level", envOr("EDDY_LOG_LEVEL", "info"), "debug, info, warn or error (EDDY_LOG_LEVEL)")
	fs.StringVar(&cfg.password, "password", envOr("EDDY_PASSWORD", ""), "require this password from clients (EDDY_PASSWORD); empty = trust")
	fs.StringVar(&cfg.user, "user", envOr("EDDY_USER", ""), "with --password: the only user allowed (EDDY_USER); empty = any user name")
	fs.StringVar(&cfg.authMethod, "auth-method", envOr("EDDY_AUTH_METHOD", pgwire.AuthSCRAM), "with --password: scram-sha-256 or password (cleartext) (EDDY_AUTH_METHOD)")
	fs.IntVar(&cfg.barrierMS, "barrier-interval-ms", envInt("EDDY_BARRIER_INTERVAL_MS", 1000), "how often materialized views commit a checkpoint (EDDY_BARRIER_INTERVAL_MS)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", envOr("EDDY_CPUPROFILE", ""), "write a CPU profile of the whole run to this file (EDDY_CPUPROFILE)")
	fs.StringVar(&cfg.kafkaListen, "kafka-listen", envOr("EDDY_KAFKA_LISTEN", defaultKafkaListen),
		"playground only: address of the built-in Kafka-compatible broker, or off (EDDY_KAFKA_LISTEN)")
	fs.Usage = func() {
		fmt.Fprintf(out, "Eddy %s: a streaming SQL database that speaks the PostgreSQL protocol.\n\n", version)
		fmt.Fprintf(out, "Usage:\n  eddy [flags]\n  eddy playground [flags]   (temporary data directory, removed on exit; a Kafka broker on %s)\n", defaultKafkaListen)
		fmt.Fprintf(out, "  eddy produce --topic NAME [flags] < records   (see eddy produce -h)\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see eddy -h)", fs.Arg(0))
	}
	if !cfg.playground {
		kafkaFlag := false
		fs.Visit(func(f *flag.Flag) { kafkaFlag = kafkaFlag || f.Name == "kafka-listen" })
		if kafkaFlag {
			return nil, fmt.Errorf("--kafka-listen is for eddy playground only: a server with a data directory starts no Kafka broker")
		}
		cfg.kafkaListen = ""
	}
	if strings.EqualFold(cfg.kafkaListen, "off") {
		cfg.kafkaListen = ""
	}
	switch cfg.authMethod {
	case pgwire.AuthSCRAM, pgwire.AuthPassword:
	default:
		return nil, fmt.Errorf("--auth-method must be scram-sha-256 or password, not %q", cfg.authMethod)
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "produce" {
		return runProduce(args[1:], stdin, stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.logLevel, stderr)
	if err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if cfg.barrierMS <= 0 {
		return fmt.Errorf("--barrier-interval-ms must be positive")
	}
	var kafkaAddr string
	if cfg.kafkaListen != "" {
		b, addr, err := startBroker(cfg.kafkaListen)
		if err != nil {
			return err
		}
		defer b.Close()
		kafkaAddr = addr
	}
	dir := cfg.dataDir
	if cfg.playground {
		dir, err = os.MkdirTemp("", "eddy-playground-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	eng, err := sql.Open(dir, sql.Options{Logger: log, BarrierInterval: time.Duration(cfg.barrierMS) * time.Millisecond})
	if err != nil {
		return err
	}
	defer eng.Close()

	pcfg := pgwire.Config{Engine: eng, Logger: log}
	if cfg.password != "" {
		pcfg.AuthMethod = cfg.authMethod
		want, user := cfg.password, cfg.user
		pcfg.Password = func(u string) (string, bool) {
			if user != "" && u != user {
				return "", false
			}
			return want, true
		}
	}
	srv := pgwire.New(pcfg)
	addr, err := srv.Listen(cfg.listen)
	if err != nil {
		return listenError("--listen", cfg.listen, err, "")
	}
	mode := "data in " + dir
	if cfg.playground {
		mode = "playground (temporary data, removed on exit)"
	}
	log.Info("eddy is ready", "version", version, "listen", addr.String(), "mode", mode)
	fmt.Fprintf(stderr, "connect with: psql -h %s -p %s -U root dev\n", hostOf(addr.String()), portOf(addr.String()))
	if kafkaAddr != "" {
		log.Info("kafka broker is ready", "listen", kafkaAddr)
		fmt.Fprintf(stderr, "kafka broker: %s (eddy produce --brokers %s --topic NAME < records; in SQL: properties.bootstrap.server = '%s')\n",
			kafkaAddr, kafkaAddr, kafkaAddr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	log.Info("shutting down")
	return srv.Close()
}

// listenError explains a failed listen on addr and names the flag that
// chooses the address.
func listenError(flag, addr string, err error, alt string) error {
	cause := err
	for u := errors.Unwrap(cause); u != nil; u = errors.Unwrap(cause) {
		cause = u
	}
	msg := fmt.Sprintf("cannot listen on %s: %v; choose another address with %s HOST:PORT", addr, cause, flag)
	if alt != "" {
		msg += " " + alt
	}
	return errors.New(msg)
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i+1:]
	}
	return addr
}
