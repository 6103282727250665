// Our own Node.js language host. The module proxy serves no version of Pulumi's
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), so this one speaks the
// same LanguageRuntime protocol from sdk/v3 and starts @pulumi/pulumi's own cmd/run, as Pulumi's
// does; it implements only what `pulumi preview/up/destroy` of an installed program calls.
module faf-e2e/language-host

go 1.26

require github.com/pulumi/pulumi/sdk/v3 v3.248.0
