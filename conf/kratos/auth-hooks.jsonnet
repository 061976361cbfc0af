// Ory Kratos web_hook body for auth-hooks (docs/auth-systems.md#ory-kratos). Kratos has no
// default body; this turns its context into auth-hooks' {provider, data} plus a `kratos` object.
//
//   provider  "email" for a method that proves an email trait (password, code, passkey,
//             webauthn…), "oidc" for social sign-in, else the method's name
//   data      the client's transient_payload (extra sign-up fields), then the identity's
//             traits, which Kratos validated against the identity schema and which win
//   kratos    flow id and type (browser|api), the method, and the identity's metadata_public,
//             which auth-hooks merges the roles into (Kratos replaces the whole field)
//
// No cookies and no request headers are sent.
function(ctx) {
  local identity = if std.objectHas(ctx, 'identity') && ctx.identity != null then ctx.identity else {},
  local traits = if std.objectHas(identity, 'traits') && identity.traits != null then identity.traits else {},
  local method = if std.objectHas(ctx.flow, 'active') && ctx.flow.active != null then ctx.flow.active else 'unknown',
  local payload = if std.objectHas(ctx.flow, 'transient_payload') && ctx.flow.transient_payload != null then ctx.flow.transient_payload else {},

  provider: if method == 'oidc' then 'oidc' else if std.objectHas(traits, 'email') then 'email' else method,
  data: payload + traits,
  kratos: {
    flow_id: ctx.flow.id,
    flow_type: ctx.flow.type,
    method: method,
    metadata_public: if std.objectHas(identity, 'metadata_public') then identity.metadata_public else null,
  },
}
