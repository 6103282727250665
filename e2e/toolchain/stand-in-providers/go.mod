// Stand-ins for the random and tls providers, whose modules the proxy refuses at every version
// (docs/decisions/016): our own code, implementing only the two resources the program creates,
// RandomPassword and an RSA PrivateKey, with their real type tokens and output names.
module faf-e2e/stand-in-providers

go 1.26

require (
	github.com/pulumi/pulumi/sdk/v3 v3.248.0
	golang.org/x/crypto v0.58.0
)
