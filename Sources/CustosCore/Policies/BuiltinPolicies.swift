/// The two policies every Custos server has, as in Vault: `root` (everything, immutable) and
/// `default` (attached to every non-root token unless `no_default_policy`).
package enum BuiltinPolicies {
    /// Grants everything; has no rules because the ACL short-circuits on its name.
    package static let root = Policy(name: "root", rules: [], raw: "")

    /// Vault's default policy, rule for rule. The rules are spelled out in Swift (rather than
    /// parsed at start-up) so that a parser regression cannot take the server down; a test checks
    /// that `defaultPolicyText` parses to exactly these rules.
    package static let `default` = Policy(name: "default", rules: defaultRules, raw: defaultPolicyText)

    /// Names that `sys/policies/acl` refuses to write or delete, as Vault does: `root`, and
    /// `response-wrapping`, the policy Vault gives its response-wrapping tokens.
    package static let immutableNames: Set<String> = ["root", "response-wrapping"]

    private static let defaultRules: [PathRule] = [
        PathRule(pattern: "auth/token/lookup-self", capabilities: [.read]),
        PathRule(pattern: "auth/token/renew-self", capabilities: [.update]),
        PathRule(pattern: "auth/token/revoke-self", capabilities: [.update]),
        PathRule(pattern: "sys/capabilities-self", capabilities: [.update]),
        PathRule(pattern: "sys/internal/ui/resultant-acl", capabilities: [.read]),
        PathRule(pattern: "sys/renew", capabilities: [.update]),
        PathRule(pattern: "sys/leases/renew", capabilities: [.update]),
        PathRule(pattern: "sys/leases/lookup", capabilities: [.update]),
        PathRule(pattern: "cubbyhole/*", capabilities: [.create, .read, .update, .delete, .list]),
        PathRule(pattern: "sys/wrapping/wrap", capabilities: [.update]),
        PathRule(pattern: "sys/wrapping/lookup", capabilities: [.update]),
        PathRule(pattern: "sys/wrapping/unwrap", capabilities: [.update]),
        PathRule(pattern: "sys/tools/hash", capabilities: [.update]),
        PathRule(pattern: "sys/tools/hash/*", capabilities: [.update]),
        PathRule(pattern: "sys/control-group/request", capabilities: [.update]),
        PathRule(pattern: "identity/oidc/provider/+/authorize", capabilities: [.read, .update]),
    ]

    /// Vault's default policy text, minus its two templated `identity/entity/...{{...}}` paths
    /// (Custos has no identity store, so they could never match).
    package static let defaultPolicyText = """

        # Allow tokens to look up their own properties
        path "auth/token/lookup-self" {
            capabilities = ["read"]
        }

        # Allow tokens to renew themselves
        path "auth/token/renew-self" {
            capabilities = ["update"]
        }

        # Allow tokens to revoke themselves
        path "auth/token/revoke-self" {
            capabilities = ["update"]
        }

        # Allow a token to look up its own capabilities on a path
        path "sys/capabilities-self" {
            capabilities = ["update"]
        }

        # Allow a token to look up its resultant ACL from all policies. This is useful
        # for UIs. It is an internal path because the format may change at any time
        # based on how the internal ACL features and capabilities change.
        path "sys/internal/ui/resultant-acl" {
            capabilities = ["read"]
        }

        # Allow a token to renew a lease via lease_id in the request body; old path for
        # old clients, new path for newer
        path "sys/renew" {
            capabilities = ["update"]
        }
        path "sys/leases/renew" {
            capabilities = ["update"]
        }

        # Allow looking up lease properties. This requires knowing the lease ID ahead
        # of time and does not divulge any sensitive information.
        path "sys/leases/lookup" {
            capabilities = ["update"]
        }

        # Allow a token to manage its own cubbyhole
        path "cubbyhole/*" {
            capabilities = ["create", "read", "update", "delete", "list"]
        }

        # Allow a token to wrap arbitrary values in a response-wrapping token
        path "sys/wrapping/wrap" {
            capabilities = ["update"]
        }

        # Allow a token to look up the creation time and TTL of a given
        # response-wrapping token
        path "sys/wrapping/lookup" {
            capabilities = ["update"]
        }

        # Allow a token to unwrap a response-wrapping token. This is a convenience to
        # avoid client token swapping since this is also part of the response wrapping
        # policy.
        path "sys/wrapping/unwrap" {
            capabilities = ["update"]
        }

        # Allow general purpose tools
        path "sys/tools/hash" {
            capabilities = ["update"]
        }
        path "sys/tools/hash/*" {
            capabilities = ["update"]
        }

        # Allow checking the status of a Control Group request if the user has the
        # accessor
        path "sys/control-group/request" {
            capabilities = ["update"]
        }

        # Allow a token to make requests to the Authorization Endpoint for OIDC providers.
        path "identity/oidc/provider/+/authorize" {
            capabilities = ["read", "update"]
        }

        """
}
