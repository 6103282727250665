package main

// Tests of the stand-in command provider through its gRPC methods, without the Pulumi CLI: the
// remote Command against an in-process SSH server on 127.0.0.1 that runs commands with /bin/sh,
// the local Command against /bin/sh. Everything they start is stopped, and every directory they
// make removed, when each test ends.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// testSSHServer accepts one client key, lets sessions set the variables named in acceptEnv (like
// sshd's AcceptEnv) and runs each exec request with /bin/sh -c.
type testSSHServer struct {
	port      int
	hostKey   string // authorized_keys format
	clientKey string // OpenSSH PEM
	listener  net.Listener
	wg        sync.WaitGroup
	mu        sync.Mutex
	conns     []net.Conn
}

func startSSHServer(t *testing.T, acceptEnv ...string) *testSSHServer {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	must(t, err)
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	clientSSHPub, err := ssh.NewPublicKey(clientPub)
	must(t, err)
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	must(t, err)

	config := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if string(key.Marshal()) == string(clientSSHPub.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
		PasswordCallback: func(_ ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
			if string(password) == "test-password" {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
	}
	config.AddHostKey(hostSigner)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	s := &testSSHServer{
		port:      listener.Addr().(*net.TCPAddr).Port,
		hostKey:   strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostSigner.PublicKey()))),
		clientKey: string(pem.EncodeToMemory(block)),
		listener:  listener,
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, conn)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(conn, config, acceptEnv)
			}()
		}
	}()
	t.Cleanup(func() {
		listener.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *testSSHServer) serve(conn net.Conn, config *ssh.ServerConfig, acceptEnv []string) {
	sc, chans, reqs, err := ssh.NewServerConn(conn, config)
	if err != nil {
		conn.Close()
		return
	}
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() == "direct-tcpip" {
			s.forward(nc)
			continue
		}
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "sessions and forwarding only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(ch, requests, acceptEnv)
		}()
	}
}

// forward serves a bastion's direct-tcpip channel: a TCP connection to the requested address.
func (s *testSSHServer) forward(nc ssh.NewChannel) {
	var target struct {
		Host     string
		Port     uint32
		FromHost string
		FromPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &target); err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(target.Host, strconv.Itoa(int(target.Port))))
	if err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, requests, err := nc.Accept()
	if err != nil {
		conn.Close()
		return
	}
	go ssh.DiscardRequests(requests)
	s.wg.Add(2)
	go func() { defer s.wg.Done(); _, _ = io.Copy(ch, conn); ch.Close() }()
	go func() { defer s.wg.Done(); _, _ = io.Copy(conn, ch); conn.Close() }()
}

func (s *testSSHServer) session(ch ssh.Channel, requests <-chan *ssh.Request, acceptEnv []string) {
	// The channel's end (the client closed the session) kills what the command started.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var running sync.WaitGroup
	defer running.Wait()
	env := []string{"PATH=" + os.Getenv("PATH")}
	started := false
	for req := range requests {
		switch req.Type {
		case "env":
			var kv struct{ Name, Value string }
			ok := ssh.Unmarshal(req.Payload, &kv) == nil && contains(acceptEnv, kv.Name)
			if ok {
				env = append(env, kv.Name+"="+kv.Value)
			}
			_ = req.Reply(ok, nil)
		case "exec":
			var exec struct{ Command string }
			if started || ssh.Unmarshal(req.Payload, &exec) != nil {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			_ = req.Reply(true, nil)
			running.Add(1)
			go func(env []string) {
				defer running.Done()
				status := runShell(ctx, ch, exec.Command, env)
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
				ch.Close()
			}(append([]string{}, env...))
		default:
			_ = req.Reply(false, nil)
		}
	}
	cancel()
	if !started {
		ch.Close()
	}
}

func runShell(ctx context.Context, ch ssh.Channel, command string, env []string) uint32 {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() >= 0 {
			return uint32(exit.ExitCode())
		}
		return 255
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type logLine struct {
	severity  pulumirpc.LogSeverity
	message   string
	ephemeral bool
}

type recordedLogs struct {
	mu    sync.Mutex
	lines []logLine
}

func (r *recordedLogs) log(_ context.Context, severity pulumirpc.LogSeverity, _, message string, ephemeral bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, logLine{severity, message, ephemeral})
}

func (r *recordedLogs) messages(severity pulumirpc.LogSeverity) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, l := range r.lines {
		if l.severity == severity {
			out = append(out, l.message)
		}
	}
	return out
}

const (
	remoteURN = "urn:pulumi:test::faf::faf:host:K3sHost$command:remote:Command::host-preflight"
	localURN  = "urn:pulumi:test::faf::command:local:Command::write"
)

type props = presource.PropertyMap

func str(s string) presource.PropertyValue    { return presource.NewStringProperty(s) }
func secret(s string) presource.PropertyValue { return presource.MakeSecret(str(s)) }

func (s *testSSHServer) connection() presource.PropertyValue {
	return presource.NewObjectProperty(props{
		"host": str("127.0.0.1"), "port": presource.NewNumberProperty(float64(s.port)), "user": str("faf"),
		"privateKey": secret(s.clientKey), "hostKey": str(s.hostKey),
	})
}

// check runs Check and fails the test on a check failure.
func check(t *testing.T, p *commandServer, urn string, in props) props {
	t.Helper()
	news, err := marshal(in)
	must(t, err)
	resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: news})
	must(t, err)
	if len(resp.GetFailures()) > 0 {
		t.Fatalf("check failures: %v", resp.GetFailures())
	}
	out, err := unmarshal(resp.GetInputs())
	must(t, err)
	return out
}

func create(p *commandServer, urn string, in props, preview bool) (props, error) {
	news, err := marshal(in)
	if err != nil {
		return nil, err
	}
	resp, err := p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: news, Preview: preview})
	if err != nil {
		return nil, err
	}
	if resp.GetId() == "" {
		return nil, errors.New("created without an id")
	}
	return unmarshal(resp.GetProperties())
}

func update(p *commandServer, urn string, state, in props, preview bool) (props, error) {
	olds, err := marshal(state)
	if err != nil {
		return nil, err
	}
	news, err := marshal(in)
	if err != nil {
		return nil, err
	}
	resp, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: urn, Id: "x", Olds: olds, News: news, Preview: preview})
	if err != nil {
		return nil, err
	}
	return unmarshal(resp.GetProperties())
}

func destroy(p *commandServer, urn string, state props) error {
	olds, err := marshal(state)
	if err != nil {
		return err
	}
	_, err = p.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: urn, Id: "x", Properties: olds})
	return err
}

func diff(t *testing.T, p *commandServer, urn string, olds, news props) *pulumirpc.DiffResponse {
	t.Helper()
	o, err := marshal(olds)
	must(t, err)
	n, err := marshal(news)
	must(t, err)
	resp, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: urn, Id: "x", Olds: o, OldInputs: o, News: n})
	must(t, err)
	return resp
}

func wantString(t *testing.T, m props, key, want string) {
	t.Helper()
	v, ok := m[presource.PropertyKey(key)]
	if !ok || v.IsComputed() || plainString(v) != want {
		t.Fatalf("%s: got %v, want %q", key, v, want)
	}
}

func wantSecret(t *testing.T, m props, key string) {
	t.Helper()
	if v := m[presource.PropertyKey(key)]; !v.IsSecret() {
		t.Fatalf("%s: got %v, want a secret", key, v)
	}
}

func wantComputed(t *testing.T, m props, key string) {
	t.Helper()
	if v := m[presource.PropertyKey(key)]; !v.IsComputed() {
		t.Fatalf("%s: got %v, want unknown", key, v)
	}
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, part := range parts {
		if !strings.Contains(err.Error(), part) {
			t.Fatalf("error %q does not contain %q", err, part)
		}
	}
}

func TestRemoteCreateRunsTheCommandOverSSHWithStdinAndEnvironmentAndKeepsSecretsSecret(t *testing.T) {
	server := startSSHServer(t, "FOO")
	logs := &recordedLogs{}
	p := newCommandServer("1.2.1", logs)
	in := check(t, p, remoteURN, props{
		"connection":  server.connection(),
		"create":      str("echo out; echo err >&2; cat; echo \"$FOO\""),
		"stdin":       secret("from-stdin\n"),
		"environment": presource.NewObjectProperty(props{"FOO": str("bar")}),
	})
	wantSecret(t, in, "connection")
	conn := plain(in["connection"]).ObjectValue()
	if conn["dialErrorLimit"].NumberValue() != 10 || conn["perDialTimeout"].NumberValue() != 15 || conn["user"].StringValue() != "faf" {
		t.Fatalf("connection defaults: %v", conn)
	}
	out, err := create(p, remoteURN, in, false)
	must(t, err)
	wantString(t, out, "stdout", "out\nfrom-stdin\nbar")
	wantString(t, out, "stderr", "err")
	wantSecret(t, out, "stdin")
	wantSecret(t, out, "connection")
	if out["stdout"].IsSecret() {
		t.Fatal("stdout is secret without additionalSecretOutputs; the real provider leaves it plain")
	}
	if got := strings.Join(logs.messages(pulumirpc.LogSeverity_INFO), "|"); !strings.Contains(got, "out") || !strings.Contains(got, "err") {
		t.Fatalf("the output was not logged: %q", got)
	}
}

func TestRemoteCreateFailsOnANonZeroExitWithTheStatusTheCommandAndItsOutput(t *testing.T) {
	server := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	_, err := create(p, remoteURN, props{"connection": server.connection(), "create": str("echo partial; echo oops >&2; exit 3")}, false)
	wantError(t, err, "Process exited with status 3", `running "echo partial; echo oops >&2; exit 3"`, "partial", "oops")
}

func TestRemoteCreateChecksTheHostKeyWhenGivenAndCountsDialErrors(t *testing.T) {
	server := startSSHServer(t)
	other := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	conn := plain(server.connection()).ObjectValue().Copy()
	conn["hostKey"] = str(other.hostKey)
	conn["dialErrorLimit"] = presource.NewNumberProperty(1)
	_, err := create(p, remoteURN, props{"connection": presource.NewObjectProperty(conn), "create": str("true")}, false)
	wantError(t, err, "after 1 failed attempts", "host key mismatch")

	// Without hostKey any host key is accepted, as in the real provider.
	delete(conn, "hostKey")
	out, err := create(p, remoteURN, props{"connection": presource.NewObjectProperty(conn), "create": str("echo ok")}, false)
	must(t, err)
	wantString(t, out, "stdout", "ok")
}

func TestRemoteCreateReachesTheHostThroughABastion(t *testing.T) {
	bastion := startSSHServer(t)
	host := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	conn := plain(host.connection()).ObjectValue().Copy()
	conn["proxy"] = bastion.connection()
	in := check(t, p, remoteURN, props{"connection": presource.NewObjectProperty(conn), "create": str("echo behind the bastion")})
	proxy := plain(plain(in["connection"]).ObjectValue()["proxy"]).ObjectValue()
	if proxy["dialErrorLimit"].NumberValue() != 10 {
		t.Fatalf("the proxy's defaults: %v", proxy)
	}
	out, err := create(p, remoteURN, in, false)
	must(t, err)
	wantString(t, out, "stdout", "behind the bastion")

	// A bastion that refuses the key: the error says it was the proxy.
	bad := plain(bastion.connection()).ObjectValue().Copy()
	bad["privateKey"] = secret(host.clientKey)
	bad["dialErrorLimit"] = presource.NewNumberProperty(0)
	conn["proxy"] = presource.NewObjectProperty(bad)
	_, err = create(p, remoteURN, props{"connection": presource.NewObjectProperty(conn), "create": str("true")}, false)
	wantError(t, err, "proxy:", "unable to authenticate")
}

func TestRemoteCreateAuthenticatesWithAPassword(t *testing.T) {
	server := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	conn := plain(server.connection()).ObjectValue().Copy()
	delete(conn, "privateKey")
	conn["password"] = secret("test-password")
	t.Setenv("SSH_AUTH_SOCK", "")
	out, err := create(p, remoteURN, props{"connection": presource.NewObjectProperty(conn), "create": str("echo in")}, false)
	must(t, err)
	wantString(t, out, "stdout", "in")
}

func TestUpdateRunsUpdateOrElseCreateWithThePreviousOutputUnlessTurnedOff(t *testing.T) {
	server := startSSHServer(t, "PULUMI_COMMAND_STDOUT", "PULUMI_COMMAND_STDERR")
	p := newCommandServer("1.2.1", &recordedLogs{})
	base := props{"connection": server.connection(), "create": str("echo first")}
	state, err := create(p, remoteURN, base, false)
	must(t, err)

	withUpdate := base.Copy()
	withUpdate["update"] = str(`echo "updated after $PULUMI_COMMAND_STDOUT"`)
	out, err := update(p, remoteURN, state, withUpdate, false)
	must(t, err)
	wantString(t, out, "stdout", "updated after first")

	changedCreate := props{"connection": server.connection(), "create": str(`echo "create again after [$PULUMI_COMMAND_STDOUT]"`)}
	out, err = update(p, remoteURN, state, changedCreate, false)
	must(t, err)
	wantString(t, out, "stdout", "create again after [first]")

	changedCreate["addPreviousOutputInEnv"] = presource.NewBoolProperty(false)
	out, err = update(p, remoteURN, state, changedCreate, false)
	must(t, err)
	wantString(t, out, "stdout", "create again after []")
}

func TestAFailedUpdateIsAnErrorAndTheStateIsNotChanged(t *testing.T) {
	server := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	state, err := create(p, remoteURN, props{"connection": server.connection(), "create": str("echo first")}, false)
	must(t, err)
	_, err = update(p, remoteURN, state, props{"connection": server.connection(), "create": str("echo first"), "update": str("exit 7")}, false)
	wantError(t, err, "Process exited with status 7")
}

func TestEnvironmentTheServerRefusesFailsTheCommandButARefusedPreviousOutputOnlyWarns(t *testing.T) {
	server := startSSHServer(t) // accepts no variable, like sshd without AcceptEnv
	logs := &recordedLogs{}
	p := newCommandServer("1.2.1", logs)
	_, err := create(p, remoteURN, props{
		"connection": server.connection(), "create": str("true"),
		"environment": presource.NewObjectProperty(props{"FOO": str("bar")}),
	}, false)
	wantError(t, err, `could not set environment variable "FOO"`)

	state, err := create(p, remoteURN, props{"connection": server.connection(), "create": str("echo first")}, false)
	must(t, err)
	out, err := update(p, remoteURN, state, props{"connection": server.connection(), "create": str(`echo "[$PULUMI_COMMAND_STDOUT]"`)}, false)
	must(t, err)
	wantString(t, out, "stdout", "[]")
	if warnings := logs.messages(pulumirpc.LogSeverity_WARNING); len(warnings) == 0 || !strings.Contains(warnings[len(warnings)-1], "PULUMI_COMMAND_STDOUT") {
		t.Fatalf("no warning about PULUMI_COMMAND_STDOUT: %q", warnings)
	}
}

func TestDeleteRunsTheDeleteCommandFromTheStateAndNothingWithoutOne(t *testing.T) {
	server := startSSHServer(t, "PULUMI_COMMAND_STDOUT")
	p := newCommandServer("1.2.1", &recordedLogs{})
	dir := t.TempDir()
	record := filepath.Join(dir, "deleted")
	state, err := create(p, remoteURN, props{
		"connection": server.connection(), "create": str("echo created"),
		"delete": str(`echo "deleting $PULUMI_COMMAND_STDOUT" > ` + record),
	}, false)
	must(t, err)
	must(t, destroy(p, remoteURN, state))
	got, err := os.ReadFile(record)
	must(t, err)
	if string(got) != "deleting created\n" {
		t.Fatalf("delete wrote %q", got)
	}

	state, err = create(p, remoteURN, props{"connection": server.connection(), "create": str("true")}, false)
	must(t, err)
	must(t, destroy(p, remoteURN, state))

	state["delete"] = str("exit 2")
	wantError(t, destroy(p, remoteURN, state), "Process exited with status 2")
}

func TestAPreviewRunsNoCommandAndLeavesStdoutUnknown(t *testing.T) {
	server := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	marker := filepath.Join(t.TempDir(), "ran")
	in := props{"connection": server.connection(), "create": str("touch " + marker + "; echo x")}
	out, err := create(p, remoteURN, in, true)
	must(t, err)
	wantComputed(t, out, "stdout")
	wantComputed(t, out, "stderr")
	wantString(t, out, "create", "touch "+marker+"; echo x")

	state := in.Copy()
	state["stdout"], state["stderr"] = str("x"), str("")
	// A changed input: stdout is unknown until the command runs. (An input the state lacks, such
	// as a newly added update, does not make it unknown: the real provider compares with the state.)
	changed := in.Copy()
	changed["create"] = str("touch " + marker)
	out, err = update(p, remoteURN, state, changed, true)
	must(t, err)
	wantComputed(t, out, "stdout")
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatalf("a preview ran the command (%s exists)", marker)
	}

	// Unchanged inputs: the outputs stay known.
	out, err = update(p, remoteURN, state, in, true)
	must(t, err)
	wantString(t, out, "stdout", "x")

	local, err := create(p, localURN, props{"create": str("touch " + marker)}, true)
	must(t, err)
	wantComputed(t, local, "stdout")
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatalf("a preview ran the local command (%s exists)", marker)
	}
}

func TestDiffUpdatesOnAnyChangeAndReplacesWhenTriggersAreAddedOrRemoved(t *testing.T) {
	p := newCommandServer("1.2.1", &recordedLogs{})
	conn := presource.MakeSecret(presource.NewObjectProperty(props{"host": str("h"), "port": presource.NewNumberProperty(22)}))
	olds := props{"connection": conn, "create": str("a"), "triggers": presource.NewArrayProperty([]presource.PropertyValue{str("v1")})}

	if d := diff(t, p, remoteURN, olds, olds.Copy()); d.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("unchanged inputs: %v", d)
	}

	changed := olds.Copy()
	changed["create"] = str("b")
	d := diff(t, p, remoteURN, olds, changed)
	if d.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || len(d.GetReplaces()) != 0 ||
		d.GetDetailedDiff()["create"].GetKind() != pulumirpc.PropertyDiff_UPDATE {
		t.Fatalf("a changed create is an update in place: %v", d)
	}

	// A changed trigger value is an update of triggers[0]; @pulumi/command's
	// replaceOnChanges: ["triggers[*]"] makes the engine replace on it.
	changed = olds.Copy()
	changed["triggers"] = presource.NewArrayProperty([]presource.PropertyValue{str("v2")})
	d = diff(t, p, remoteURN, olds, changed)
	if d.GetDetailedDiff()["triggers[0]"].GetKind() != pulumirpc.PropertyDiff_UPDATE || strings.Join(d.GetDiffs(), ",") != "triggers" {
		t.Fatalf("a changed trigger: %v", d)
	}

	removed := olds.Copy()
	delete(removed, "triggers")
	d = diff(t, p, remoteURN, olds, removed)
	if d.GetDetailedDiff()["triggers"].GetKind() != pulumirpc.PropertyDiff_DELETE_REPLACE || strings.Join(d.GetReplaces(), ",") != "triggers" {
		t.Fatalf("removed triggers replace: %v", d)
	}
	d = diff(t, p, remoteURN, removed, olds)
	if d.GetDetailedDiff()["triggers"].GetKind() != pulumirpc.PropertyDiff_ADD_REPLACE || strings.Join(d.GetReplaces(), ",") != "triggers" {
		t.Fatalf("added triggers replace: %v", d)
	}

	moved := olds.Copy()
	moved["connection"] = presource.MakeSecret(presource.NewObjectProperty(props{"host": str("h2"), "port": presource.NewNumberProperty(22)}))
	d = diff(t, p, remoteURN, olds, moved)
	if d.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || len(d.GetReplaces()) != 0 || strings.Join(d.GetDiffs(), ",") != "connection" {
		t.Fatalf("another host is an update in place: %v", d)
	}
}

func TestCheckRefusesAMissingConnectionOrHostAndABadLoggingValue(t *testing.T) {
	p := newCommandServer("1.2.1", &recordedLogs{})
	for name, tc := range map[string]struct {
		urn   string
		in    props
		field string
	}{
		"no connection":  {remoteURN, props{"create": str("true")}, "connection"},
		"no host":        {remoteURN, props{"connection": presource.NewObjectProperty(props{"user": str("u")})}, "connection.host"},
		"bad logging":    {localURN, props{"logging": str("loud")}, "logging"},
		"assetPaths":     {localURN, props{"assetPaths": presource.NewArrayProperty([]presource.PropertyValue{str("*")})}, "assetPaths"},
		"a number stdin": {localURN, props{"stdin": presource.NewNumberProperty(3)}, "stdin"},
		"a list env":     {localURN, props{"environment": presource.NewArrayProperty(nil)}, "environment"},
	} {
		news, err := marshal(tc.in)
		must(t, err)
		resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: tc.urn, News: news})
		must(t, err)
		if len(resp.GetFailures()) != 1 || resp.GetFailures()[0].GetProperty() != tc.field {
			t.Fatalf("%s: failures %v, want one for %s", name, resp.GetFailures(), tc.field)
		}
	}
	_, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:test::faf::command:remote:CopyToRemote::x"})
	wantError(t, err, "implements only", "CopyToRemote")
}

func TestLocalCommandRunsInDirWithEnvironmentStdinAndTheExitStatus(t *testing.T) {
	logs := &recordedLogs{}
	p := newCommandServer("1.2.1", logs)
	dir := t.TempDir()
	in := check(t, p, localURN, props{
		"create":      str(`cat > file; echo "$FOO in $(pwd)"`),
		"update":      str(`echo "after $PULUMI_COMMAND_STDOUT"`),
		"delete":      str("rm file"),
		"dir":         str(dir),
		"stdin":       secret(`{"a":1}`),
		"environment": presource.NewObjectProperty(props{"FOO": str("bar")}),
		"logging":     str("none"),
	})
	state, err := create(p, localURN, in, false)
	must(t, err)
	wantString(t, state, "stdout", "bar in "+dir)
	wantSecret(t, state, "stdin")
	if got, _ := os.ReadFile(filepath.Join(dir, "file")); string(got) != `{"a":1}` {
		t.Fatalf("stdin reached the file as %q", got)
	}
	if lines := logs.messages(pulumirpc.LogSeverity_INFO); len(lines) != 0 {
		t.Fatalf("logging none logged %q", lines)
	}

	changed := in.Copy()
	changed["stdin"] = secret(`{"a":2}`)
	out, err := update(p, localURN, state, changed, false)
	must(t, err)
	wantString(t, out, "stdout", "after bar in "+dir)

	must(t, destroy(p, localURN, out))
	if _, err := os.Stat(filepath.Join(dir, "file")); !os.IsNotExist(err) {
		t.Fatal("delete did not run")
	}

	_, err = create(p, localURN, props{"create": str("echo half; exit 4"), "dir": str(dir)}, false)
	wantError(t, err, "exit status 4", "half")

	out, err = create(p, localURN, props{"create": str(`echo "$WHO"`), "interpreter": presource.NewArrayProperty(
		[]presource.PropertyValue{str("env"), str("WHO=the interpreter"), str("/bin/sh"), str("-c")})}, false)
	must(t, err)
	wantString(t, out, "stdout", "the interpreter")
}

func TestCancelStopsARunningRemoteCommand(t *testing.T) {
	server := startSSHServer(t)
	p := newCommandServer("1.2.1", &recordedLogs{})
	done := make(chan error, 1)
	go func() {
		_, err := create(p, remoteURN, props{"connection": server.connection(), "create": str("echo started; sleep 30")}, false)
		done <- err
	}()
	time.Sleep(500 * time.Millisecond)
	_, err := p.Cancel(context.Background(), nil)
	must(t, err)
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled command succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Cancel did not stop the command within 10 s")
	}
}

func TestIgnoreChangesKeepsTheStatesValueInDiffAndUpdateAndABadPathIsAnError(t *testing.T) {
	p := newCommandServer("1.2.1", &recordedLogs{})
	conn := presource.MakeSecret(presource.NewObjectProperty(props{"host": str("h"), "port": presource.NewNumberProperty(22)}))
	olds := props{"connection": conn, "create": str("a"), "stdout": str("out"), "stderr": str("")}
	news := props{"connection": conn, "create": str("b")}
	o, err := marshal(olds)
	must(t, err)
	n, err := marshal(news)
	must(t, err)

	d, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: remoteURN, Id: "x", Olds: o, News: n, IgnoreChanges: []string{"create"}})
	must(t, err)
	if d.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("an ignored change is a change: %v", d)
	}
	u, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: remoteURN, Id: "x", Olds: o, News: n, Preview: true, IgnoreChanges: []string{"create"}})
	must(t, err)
	state, err := unmarshal(u.GetProperties())
	must(t, err)
	wantString(t, state, "create", "a")

	for _, call := range []func() error{
		func() error {
			_, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: remoteURN, Id: "x", Olds: o, News: n, IgnoreChanges: []string{"create["}})
			return err
		},
		func() error {
			_, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: remoteURN, Id: "x", Olds: o, News: n, Preview: true, IgnoreChanges: []string{"create["}})
			return err
		},
	} {
		if err := call(); err == nil || !strings.Contains(err.Error(), "ignoreChanges") {
			t.Fatalf("a bad ignoreChanges path: got %v", err)
		}
	}
}
