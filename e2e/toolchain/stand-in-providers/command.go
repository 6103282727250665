// The stand-in command provider: command:remote:Command and command:local:Command with the
// inputs, outputs and lifecycle of pulumi-command v1.2.1 (the plugin @pulumi/command 1.2.1 asks
// for), written from that release's documented behaviour. What it does not implement is refused
// by name (CopyToRemote, CopyFile, local.run, assetPaths, archivePaths), never ignored.
package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	remoteCommand = "command:remote:Command"
	localCommand  = "command:local:Command"
)

// The input properties of each resource, as in pulumi-command v1.2.1's schema. Outputs are these
// inputs (as given) plus stdout and stderr.
var commandInputs = map[string][]string{
	remoteCommand: {"triggers", "create", "update", "delete", "stdin", "logging", "connection", "environment", "addPreviousOutputInEnv"},
	localCommand: {"triggers", "create", "update", "delete", "stdin", "logging", "interpreter", "dir", "environment",
		"assetPaths", "archivePaths", "addPreviousOutputInEnv"},
}

// logger carries a command's output lines and the provider's warnings to the engine.
type logger interface {
	log(ctx context.Context, severity pulumirpc.LogSeverity, urn, message string, ephemeral bool)
}

type engineLogger struct{ client pulumirpc.EngineClient }

func (l engineLogger) log(ctx context.Context, severity pulumirpc.LogSeverity, urn, message string, ephemeral bool) {
	if l.client == nil {
		return
	}
	_, _ = l.client.Log(ctx, &pulumirpc.LogRequest{Severity: severity, Message: message, Urn: urn, Ephemeral: ephemeral})
}

type commandServer struct {
	pulumirpc.UnimplementedResourceProviderServer
	version string
	logs    logger

	mu       sync.Mutex
	canceled context.Context
	cancel   context.CancelFunc
}

func newCommandServer(version string, logs logger) *commandServer {
	ctx, cancel := context.WithCancel(context.Background())
	return &commandServer{version: version, logs: logs, canceled: ctx, cancel: cancel}
}

func (s *commandServer) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

func (s *commandServer) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":"command","version":%q}`, s.version)}, nil
}

func (s *commandServer) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *commandServer) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (s *commandServer) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	// Secrets arrive as secrets and leave as secrets; previews call Create and Update with preview set.
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

// Cancel stops every command that is running (its process, or its SSH session).
func (s *commandServer) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	s.cancel()
	return &emptypb.Empty{}, nil
}

// context is the request's context, also ended by Cancel.
func (s *commandServer) context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	stop := context.AfterFunc(s.canceled, cancel)
	return ctx, func() { stop(); cancel() }
}

func commandType(urn string) (string, error) {
	// urn:pulumi:stack::project::parent$type::name
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return "", fmt.Errorf("malformed URN %q", urn)
	}
	types := strings.Split(parts[2], "$")
	t := types[len(types)-1]
	if _, ok := commandInputs[t]; !ok {
		return "", fmt.Errorf("the stand-in command provider implements only %s and %s, not %s (docs/decisions/016)",
			localCommand, remoteCommand, t)
	}
	return t, nil
}

func urnName(urn string) string {
	parts := strings.Split(urn, "::")
	return parts[len(parts)-1]
}

var keep = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (presource.PropertyMap, error) {
	if s == nil {
		return presource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, keep)
}

func marshal(m presource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, keep)
}

// inputsOf keeps the resource's input properties: what the real provider decodes its inputs into.
func inputsOf(t string, m presource.PropertyMap) presource.PropertyMap {
	out := presource.PropertyMap{}
	for _, k := range commandInputs[t] {
		if v, ok := m[presource.PropertyKey(k)]; ok && !v.IsNull() {
			out[presource.PropertyKey(k)] = v
		}
	}
	return out
}

// Check validates the inputs, fills the connection's defaults (user root, port 22, 10 dial
// errors, 15 s per dial) and marks the connection secret, as the real provider does.
func (s *commandServer) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	t, err := commandType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	news = inputsOf(t, news)
	if t == remoteCommand {
		// An unknown connection (a preview) stays as it is: it is checked when it is known.
		if c, ok := news["connection"]; ok && plain(c).IsObject() {
			news["connection"] = presource.MakeSecret(withConnectionDefaults(c))
		}
	}
	_, failures := decodeInputs(t, news)
	var rpcFailures []*pulumirpc.CheckFailure
	for _, f := range failures {
		rpcFailures = append(rpcFailures, &pulumirpc.CheckFailure{Property: f.property, Reason: f.reason})
	}
	inputs, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: rpcFailures}, nil
}

func withConnectionDefaults(v presource.PropertyValue) presource.PropertyValue {
	secret := v.IsSecret()
	if secret {
		v = v.SecretValue().Element
	}
	if !v.IsObject() {
		return v
	}
	m := v.ObjectValue().Copy()
	defaults := map[presource.PropertyKey]presource.PropertyValue{
		"user": presource.NewStringProperty("root"), "port": presource.NewNumberProperty(22),
		"dialErrorLimit": presource.NewNumberProperty(10), "perDialTimeout": presource.NewNumberProperty(15),
	}
	for k, d := range defaults {
		if cur, ok := m[k]; !ok || cur.IsNull() {
			m[k] = d
		}
	}
	if p, ok := m["proxy"]; ok && !p.IsNull() {
		m["proxy"] = withConnectionDefaults(p)
	}
	out := presource.NewObjectProperty(m)
	if secret {
		return presource.MakeSecret(out)
	}
	return out
}

// Diff compares the old inputs with the new ones as the real provider does: any change is an
// update, except adding or removing `triggers`, which replaces. A changed element of `triggers`
// is reported as an update of `triggers[i]`; the SDK's `replaceOnChanges: ["triggers[*]"]`
// (which @pulumi/command sets on every Command) makes the engine replace on it.
func (s *commandServer) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	t, err := commandType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if err := applyIgnoreChanges(state, news, req.GetIgnoreChanges()); err != nil {
		return nil, err
	}
	for k := range news {
		if k == "version" || strings.HasPrefix(string(k), "__") {
			delete(news, k)
		}
	}
	var olds presource.PropertyMap
	if req.GetOldInputs() != nil {
		if olds, err = unmarshal(req.GetOldInputs()); err != nil {
			return nil, err
		}
	} else {
		olds = inputsOf(t, state)
	}
	return diffInputs(olds, news), nil
}

// applyIgnoreChanges gives each `ignoreChanges` path of the new inputs its value in the state.
func applyIgnoreChanges(state, news presource.PropertyMap, ignored []string) error {
	for _, p := range ignored {
		path, err := presource.ParsePropertyPath(p)
		if err != nil {
			return fmt.Errorf("ignoreChanges: %w", err)
		}
		if v, ok := path.Get(presource.NewObjectProperty(state)); ok {
			path.Set(presource.NewObjectProperty(news), v)
		}
	}
	return nil
}

func diffInputs(olds, news presource.PropertyMap) *pulumirpc.DiffResponse {
	objDiff := olds.Diff(news)
	detailed := map[string]*pulumirpc.PropertyDiff{}
	diffs, replaces := map[string]bool{}, map[string]bool{}
	for path, d := range plugin.NewDetailedDiffFromObjectDiff(objDiff, false) {
		kind := d.Kind
		if path == "triggers" {
			kind = kind.AsReplace()
		}
		detailed[path] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_Kind(kind), InputDiff: d.InputDiff}
		head := path
		if pp, err := presource.ParsePropertyPath(path); err == nil && len(pp) > 0 {
			if s, ok := pp[0].(string); ok {
				head = s
			}
		}
		diffs[head] = true
		if kind.IsReplace() {
			replaces[head] = true
		}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if objDiff.AnyChanges() {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{
		Changes: changes, DetailedDiff: detailed, HasDetailedDiff: true,
		Diffs: sortedKeys(diffs), Replaces: sortedKeys(replaces),
	}
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Create runs `create` (nothing in a preview, nothing without `create`); a failed command fails
// the create and no state is kept.
func (s *commandServer) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	t, err := commandType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	props, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	inputs := inputsOf(t, props)
	id, err := presource.NewUniqueHex(urnName(req.GetUrn()), 8, 0)
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	if req.GetPreview() {
		// stdout and stderr are not known before the command runs.
		out["stdout"] = presource.MakeComputed(presource.NewStringProperty(""))
		out["stderr"] = presource.MakeComputed(presource.NewStringProperty(""))
		props, err := marshal(out)
		return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
	}
	in, failures := decodeInputs(t, inputs)
	if len(failures) > 0 {
		return nil, failuresError(failures)
	}
	stdout, stderr := "", ""
	if in.create != nil {
		ctx, done := s.context(ctx)
		defer done()
		if stdout, stderr, err = s.run(ctx, req.GetUrn(), t, *in.create, in, "", ""); err != nil {
			return nil, err
		}
	}
	out["stdout"], out["stderr"] = presource.NewStringProperty(stdout), presource.NewStringProperty(stderr)
	marshaled, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: marshaled}, nil
}

// Update runs `update`, or `create` when `update` is unset (nothing in a preview), with the
// previous stdout and stderr in PULUMI_COMMAND_STDOUT/STDERR unless addPreviousOutputInEnv is false.
func (s *commandServer) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	t, err := commandType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if err := applyIgnoreChanges(state, news, req.GetIgnoreChanges()); err != nil {
		return nil, err
	}
	inputs := inputsOf(t, news)
	out := inputs.Copy()
	oldStdout, oldStderr := plainString(state["stdout"]), plainString(state["stderr"])
	out["stdout"], out["stderr"] = state["stdout"], state["stderr"]
	if req.GetPreview() {
		// stdout and stderr are unknown when an input is unknown or differs from the state.
		for _, k := range commandInputs[t] {
			key := presource.PropertyKey(k)
			old, had := state[key]
			if news[key].ContainsUnknowns() || (had && !news[key].DeepEquals(old)) {
				out["stdout"] = presource.MakeComputed(presource.NewStringProperty(""))
				out["stderr"] = presource.MakeComputed(presource.NewStringProperty(""))
				break
			}
		}
		props, err := marshal(out)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	in, failures := decodeInputs(t, inputs)
	if len(failures) > 0 {
		return nil, failuresError(failures)
	}
	cmd := in.create
	if in.update != nil {
		cmd = in.update
	}
	if cmd != nil {
		ctx, done := s.context(ctx)
		defer done()
		stdout, stderr, err := s.run(ctx, req.GetUrn(), t, *cmd, in, oldStdout, oldStderr)
		if err != nil {
			return nil, err
		}
		out["stdout"], out["stderr"] = presource.NewStringProperty(stdout), presource.NewStringProperty(stderr)
	}
	props, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Delete runs `delete` from the state (its connection, environment and stdin), with the last
// stdout and stderr in PULUMI_COMMAND_STDOUT/STDERR; without `delete` it only forgets.
func (s *commandServer) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	t, err := commandType(req.GetUrn())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	in, failures := decodeInputs(t, inputsOf(t, state))
	if len(failures) > 0 {
		return nil, failuresError(failures)
	}
	if in.delete == nil {
		return &emptypb.Empty{}, nil
	}
	ctx, done := s.context(ctx)
	defer done()
	if _, _, err := s.run(ctx, req.GetUrn(), t, *in.delete, in, plainString(state["stdout"]), plainString(state["stderr"])); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read (refresh) keeps the state as it is: a command cannot be read back.
func (s *commandServer) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (s *commandServer) run(ctx context.Context, urn, t, cmd string, in commandArgs, stdout, stderr string) (string, string, error) {
	if !in.addPreviousOutputInEnv {
		stdout, stderr = "", ""
	}
	logLine := func(line string) { s.logs.log(ctx, pulumirpc.LogSeverity_INFO, urn, line, true) }
	warn := func(msg string) { s.logs.log(ctx, pulumirpc.LogSeverity_WARNING, urn, msg, false) }
	if t == localCommand {
		return runLocal(ctx, cmd, in, stdout, stderr, logLine)
	}
	return runRemote(ctx, cmd, in, stdout, stderr, logLine, warn)
}

func plainString(v presource.PropertyValue) string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
