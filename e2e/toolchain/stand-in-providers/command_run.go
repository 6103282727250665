package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/retry"
)

// output collects a command's stdout, stderr, both interleaved (for the error message), and
// passes the lines its logging setting selects to the log, as they come.
type output struct {
	stdout, stderr bytes.Buffer
	both           lockedBuffer
	logW           *io.PipeWriter
	logged         chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func newOutput(logLine func(string)) *output {
	r, w := io.Pipe()
	o := &output{logW: w, logged: make(chan struct{})}
	go func() {
		defer close(o.logged)
		scanner := bufio.NewScanner(r)
		scanner.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for scanner.Scan() {
			logLine(scanner.Text())
		}
		// A line beyond the buffer ends the logging, never the command.
		_, _ = io.Copy(io.Discard, r)
	}()
	return o
}

func (o *output) writers(in commandArgs) (stdout, stderr io.Writer) {
	out := []io.Writer{&o.stdout, &o.both}
	if in.logStdout() {
		out = append(out, o.logW)
	}
	errw := []io.Writer{&o.stderr, &o.both}
	if in.logStderr() {
		errw = append(errw, o.logW)
	}
	return io.MultiWriter(out...), io.MultiWriter(errw...)
}

// finish waits for the log and returns stdout and stderr without one trailing newline, or the
// error the real provider gives: the exit status, the command and its interleaved output.
func (o *output) finish(cmd string, err error) (string, string, error) {
	o.logW.Close()
	<-o.logged
	if err != nil {
		return "", "", fmt.Errorf("%w: running %q:\n%s", err, cmd, o.both.b.String())
	}
	return strings.TrimSuffix(o.stdout.String(), "\n"), strings.TrimSuffix(o.stderr.String(), "\n"), nil
}

// runLocal runs the command with the interpreter (default /bin/sh -c) in dir (default the
// provider's working directory), with the provider's environment plus `environment`.
func runLocal(ctx context.Context, command string, in commandArgs, prevStdout, prevStderr string, logLine func(string)) (string, string, error) {
	args := []string{"/bin/sh", "-c"}
	if len(in.interpreter) > 0 {
		args = append([]string{}, in.interpreter...)
	}
	args = append(args, command)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if in.dir != nil {
		cmd.Dir = *in.dir
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return "", "", err
		}
		cmd.Dir = wd
	}
	cmd.Env = os.Environ()
	for k, v := range in.environment {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if prevStdout != "" {
		cmd.Env = append(cmd.Env, "PULUMI_COMMAND_STDOUT="+prevStdout)
	}
	if prevStderr != "" {
		cmd.Env = append(cmd.Env, "PULUMI_COMMAND_STDERR="+prevStderr)
	}
	if in.stdin != "" {
		cmd.Stdin = strings.NewReader(in.stdin)
	}
	o := newOutput(logLine)
	cmd.Stdout, cmd.Stderr = o.writers(in)
	err := cmd.Run()
	return o.finish(command, err)
}

// runRemote runs the command in one SSH session on the connection's host. `environment` is sent
// with the session (sshd must AcceptEnv it, or the command fails); PULUMI_COMMAND_STDOUT/STDERR
// are sent the same way, and a refusal of those is a warning.
func runRemote(ctx context.Context, command string, in commandArgs, prevStdout, prevStderr string,
	logLine func(string), warn func(string),
) (string, string, error) {
	client, err := dial(ctx, in.connection, logLine)
	if err != nil {
		return "", "", err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return "", "", err
	}
	defer session.Close()
	setenvRefused := func(key string) string {
		return fmt.Sprintf("Unable to set '%s'. This only works if your SSH server is configured to accept these variables via AcceptEnv. "+
			"Alternatively, if a Bash-like shell runs the command on the remote host, you could prefix the command itself with the variables in the form 'VAR=value command'", key)
	}
	for k, v := range in.environment {
		if err := session.Setenv(k, v); err != nil {
			warn(setenvRefused(k))
			return "", "", fmt.Errorf("could not set environment variable %q: %w", k, err)
		}
	}
	for k, v := range map[string]string{"PULUMI_COMMAND_STDOUT": prevStdout, "PULUMI_COMMAND_STDERR": prevStderr} {
		if v != "" {
			if err := session.Setenv(k, v); err != nil {
				warn(setenvRefused(k))
			}
		}
	}
	if in.stdin != "" {
		session.Stdin = strings.NewReader(in.stdin)
	}
	o := newOutput(logLine)
	session.Stdout, session.Stderr = o.writers(in)
	// A cancelled update closes the session, which ends the remote command's channel.
	stop := context.AfterFunc(ctx, func() { session.Close(); client.Close() })
	err = session.Run(command)
	stop()
	if err == nil {
		err = ctx.Err()
	}
	return o.finish(command, err)
}

// clientConfig: key (optionally encrypted), then password and keyboard-interactive, then the SSH
// agent (agentSocketPath or $SSH_AUTH_SOCK). The host key is checked only when `hostKey` is given,
// as in the real provider; without it any host key is accepted.
func clientConfig(c *connection) (*ssh.ClientConfig, error) {
	config := &ssh.ClientConfig{User: c.user, Timeout: time.Duration(c.perDialTimeout) * time.Second}
	if c.hostKey != nil {
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(*c.hostKey))
		if err != nil {
			return nil, fmt.Errorf("failed to parse host key: %w", err)
		}
		config.HostKeyCallback = ssh.FixedHostKey(key)
		config.HostKeyAlgorithms = []string{key.Type()}
	} else {
		config.HostKeyCallback = ssh.InsecureIgnoreHostKey() //nolint:gosec // the real provider's behaviour without hostKey
	}
	if c.privateKey != nil {
		var signer ssh.Signer
		var err error
		if c.privateKeyPassword != nil {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(*c.privateKey), []byte(*c.privateKeyPassword))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(*c.privateKey))
		}
		if err != nil {
			return nil, err
		}
		config.Auth = append(config.Auth, ssh.PublicKeys(signer))
	}
	if c.password != nil {
		password := *c.password
		config.Auth = append(config.Auth, ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = password
				}
				return answers, nil
			}))
	}
	socket := os.Getenv("SSH_AUTH_SOCK")
	if c.agentSocketPath != nil {
		socket = *c.agentSocketPath
	}
	if socket != "" {
		conn, err := net.Dial("unix", socket)
		if err != nil {
			return nil, err
		}
		config.Auth = append(config.Auth, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
	}
	return config, nil
}

// withRetry tries f until it succeeds or has failed more than `limit` times (-1: no limit),
// waiting 100 ms growing by 1.5x up to 5 s between tries, as the real provider does.
func withRetry[T any](ctx context.Context, what string, limit int, status func(string), f func() (T, error)) (T, error) {
	var zero T
	ok, data, err := retry.Until(ctx, retry.Acceptor{Accept: func(try int, _ time.Duration) (bool, any, error) {
		result, err := f()
		if err == nil {
			return true, result, nil
		}
		dials := try + 1
		if limit > -1 && dials > limit {
			return true, nil, fmt.Errorf("after %d failed attempts: %w", try, err)
		}
		max := "inf"
		if limit != -1 {
			max = strconv.Itoa(limit)
		}
		status(fmt.Sprintf("%s %d/%s failed: retrying", what, dials, max))
		return false, nil, nil
	}})
	if ok && err == nil {
		return data.(T), nil
	}
	if err == nil {
		err = ctx.Err()
	}
	return zero, err
}

func dial(ctx context.Context, c *connection, status func(string)) (*ssh.Client, error) {
	config, err := clientConfig(c)
	if err != nil {
		return nil, err
	}
	endpoint := net.JoinHostPort(c.host, strconv.Itoa(c.port))
	if c.proxy == nil {
		return withRetry(ctx, "Dial", c.dialErrorLimit, status, func() (*ssh.Client, error) {
			return ssh.Dial("tcp", endpoint, config)
		})
	}
	proxyConfig, err := clientConfig(c.proxy)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	proxy, err := withRetry(ctx, "Dial proxy", c.proxy.dialErrorLimit, status, func() (*ssh.Client, error) {
		return ssh.Dial("tcp", net.JoinHostPort(c.proxy.host, strconv.Itoa(c.proxy.port)), proxyConfig)
	})
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	conn, err := withRetry(ctx, "Dial from proxy", c.dialErrorLimit, status, func() (net.Conn, error) {
		return proxy.Dial("tcp", endpoint)
	})
	if err != nil {
		proxy.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	sshConn, chans, reqs, err := ssh.NewClientConn(conn, endpoint, config)
	if err != nil {
		proxy.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	client := ssh.NewClient(sshConn, chans, reqs)
	// The bastion's connection ends with the one through it.
	go func() {
		_ = client.Wait()
		proxy.Close()
	}()
	return client, nil
}
