// Stand-ins for the random, tls and command providers, whose modules the proxy refuses at every
// version (docs/decisions/016): our own code, implementing only the resources the program creates
// (RandomPassword, an RSA PrivateKey, local and remote Command) with their real type tokens,
// property names and, for Command, pulumi-command v1.2.1's lifecycle.
module faf-e2e/stand-in-providers

go 1.26

require (
	github.com/pulumi/pulumi/sdk/v3 v3.248.0
	golang.org/x/crypto v0.58.0
)
