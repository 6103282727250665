// Command stand-in-providers serves pulumi-resource-random, pulumi-resource-tls or
// pulumi-resource-command, by the name it is started under: RandomPassword and RSA PrivateKey
// only, each replaced on any input change; local and remote Command (command.go).
package main

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/ssh"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Set with -ldflags -X: the plugin versions our npm SDKs ask for.
var randomVersion, tlsVersion, commandVersion = "0.0.0", "0.0.0", "0.0.0"

type resource struct {
	inputs []string
	create func(in map[string]any) (map[string]any, error)
}

var resources = map[string]map[string]resource{
	"random": {"random:index/randomPassword:RandomPassword": {
		inputs: []string{"length", "special", "upper", "lower", "numeric", "number", "overrideSpecial", "keepers",
			"minLower", "minUpper", "minNumeric", "minSpecial"},
		create: randomPassword,
	}},
	"tls": {"tls:index/privateKey:PrivateKey": {
		inputs: []string{"algorithm", "rsaBits", "ecdsaCurve"},
		create: privateKey,
	}},
}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	name    string
	version string
}

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	version := map[string]string{"random": randomVersion, "tls": tlsVersion}[name]
	var provider pulumirpc.ResourceProviderServer = &server{name: name, version: version}
	if name == "command" {
		// The engine's address is the first argument: command output goes to its log.
		var logs engineLogger
		if len(os.Args) > 1 {
			conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				fmt.Fprintf(os.Stderr, "stand-in provider: the engine at %s: %v\n", os.Args[1], err)
				os.Exit(1)
			}
			logs.client = pulumirpc.NewEngineClient(conn)
		}
		provider = newCommandServer(commandVersion, logs)
	} else if _, ok := resources[name]; !ok {
		fmt.Fprintf(os.Stderr, "stand-in provider: started as %q; expected pulumi-resource-random, -tls or -command\n", os.Args[0])
		os.Exit(1)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{Init: func(g *grpc.Server) error {
		pulumirpc.RegisterResourceProviderServer(g, provider)
		return nil
	}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "stand-in provider: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "stand-in provider: %v\n", err)
		os.Exit(1)
	}
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.name, s.version)}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (s *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{SupportsPreview: true}, nil
}

func (s *server) lookup(urn string) (resource, error) {
	// urn:pulumi:stack::project::parent$type::name
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return resource{}, fmt.Errorf("malformed URN %q", urn)
	}
	types := strings.Split(parts[2], "$")
	t := types[len(types)-1]
	r, ok := resources[s.name][t]
	if !ok {
		return resource{}, fmt.Errorf("the stand-in %s provider implements only %v, not %s", s.name, keys(resources[s.name]), t)
	}
	return r, nil
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if _, err := s.lookup(req.GetUrn()); err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	r, err := s.lookup(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, news := req.GetOldInputs().AsMap(), req.GetNews().AsMap()
	if req.GetOldInputs() == nil {
		olds = req.GetOlds().AsMap()
	}
	var changed []string
	for _, k := range r.inputs {
		if !reflect.DeepEqual(olds[k], news[k]) {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed, Replaces: changed}, nil
}

func (s *server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	r, err := s.lookup(req.GetUrn())
	if err != nil {
		return nil, err
	}
	in := req.GetProperties().AsMap()
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	out, err := r.create(in)
	if err != nil {
		return nil, err
	}
	for k, v := range in {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	props, err := structpb.NewStruct(out)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: hex.EncodeToString(id), Properties: props}, nil
}

func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (s *server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func boolOr(in map[string]any, key string, def bool) bool {
	if v, ok := in[key].(bool); ok {
		return v
	}
	return def
}

func randomPassword(in map[string]any) (map[string]any, error) {
	length, ok := in["length"].(float64)
	if !ok || length < 1 {
		return nil, fmt.Errorf("length: expected a positive number, got %v", in["length"])
	}
	alphabet := ""
	if boolOr(in, "lower", true) {
		alphabet += "abcdefghijklmnopqrstuvwxyz"
	}
	if boolOr(in, "upper", true) {
		alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	}
	if boolOr(in, "numeric", boolOr(in, "number", true)) {
		alphabet += "0123456789"
	}
	if boolOr(in, "special", true) {
		special := "!@#$%&*()-_=+[]{}<>:?"
		if v, ok := in["overrideSpecial"].(string); ok {
			special = v
		}
		alphabet += special
	}
	if alphabet == "" {
		return nil, fmt.Errorf("every character class is off")
	}
	var b strings.Builder
	for i := 0; i < int(length); i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return nil, err
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(b.String()), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": b.String(), "bcryptHash": string(hash)}, nil
}

func privateKey(in map[string]any) (map[string]any, error) {
	if algorithm, _ := in["algorithm"].(string); algorithm != "RSA" {
		return nil, fmt.Errorf("algorithm: the stand-in implements RSA only, got %q", algorithm)
	}
	bits := 2048
	if v, ok := in["rsaBits"].(float64); ok {
		bits = int(v)
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	sshPub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	openssh, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		return nil, err
	}
	md5sum := md5.Sum(sshPub.Marshal())
	md5hex := make([]string, len(md5sum))
	for i, b := range md5sum {
		md5hex[i] = fmt.Sprintf("%02x", b)
	}
	sha := sha256.Sum256(sshPub.Marshal())
	return map[string]any{
		"rsaBits":                    float64(bits),
		"privateKeyPem":              string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		"privateKeyPemPkcs8":         string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"privateKeyOpenssh":          string(pem.EncodeToMemory(openssh)),
		"publicKeyPem":               string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		"publicKeyOpenssh":           string(ssh.MarshalAuthorizedKey(sshPub)),
		"publicKeyFingerprintMd5":    strings.Join(md5hex, ":"),
		"publicKeyFingerprintSha256": "SHA256:" + base64.RawStdEncoding.EncodeToString(sha[:]),
	}, nil
}

func keys(m map[string]resource) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
