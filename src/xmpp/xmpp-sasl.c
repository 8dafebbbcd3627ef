/* xmpp-sasl.c: SASL mechanism selection and exchange for one login (RFC 6120 §6)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-sasl.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-scram-private.h"
#include "xmpp-scram.h"

/* Base64 text of the largest server message xmpp-scram.c accepts, plus
 * padding; anything longer is refused before it is decoded. */
#define MAX_BASE64 ((XMPP_SCRAM_MAX_MESSAGE + 2) / 3 * 4)

typedef enum {
  SASL_STATE_NEW,
  SASL_STATE_SELECTED,
  SASL_STATE_STARTED,
  SASL_STATE_CLIENT_FINAL_SENT,
  SASL_STATE_SERVER_VERIFIED,
  SASL_STATE_DONE,
  SASL_STATE_FAILED,
} SaslState;

struct _XmppSasl
{
  GObject                  parent_instance;

  char                    *authcid;
  char                    *password;
  GBytes                  *tls_exporter;
  GBytes                  *tls_server_end_point;
  XmppScram               *scram;
  XmppSaslMechanism        minimum;
  XmppSaslMechanism        mechanism;
  XmppScramChannelBinding  binding;
  SaslState                state;
  guint                    tls_active : 1;
};

G_DEFINE_FINAL_TYPE (XmppSasl, xmpp_sasl, G_TYPE_OBJECT)

/* Indexed by XmppSaslMechanism. */
static const struct {
  const char        *name;
  XmppScramHash      hash;
  gboolean           plus;
  XmppSaslMechanism  plus_variant;
} mechanisms[] = {
  [XMPP_SASL_MECHANISM_NONE] = { NULL, XMPP_SCRAM_HASH_SHA1, FALSE, XMPP_SASL_MECHANISM_NONE },
  [XMPP_SASL_MECHANISM_PLAIN] = { "PLAIN", XMPP_SCRAM_HASH_SHA1, FALSE, XMPP_SASL_MECHANISM_NONE },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_1] = {
    "SCRAM-SHA-1", XMPP_SCRAM_HASH_SHA1, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS
  },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_256] = {
    "SCRAM-SHA-256", XMPP_SCRAM_HASH_SHA256, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS
  },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_512] = {
    "SCRAM-SHA-512", XMPP_SCRAM_HASH_SHA512, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS
  },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS] = {
    "SCRAM-SHA-1-PLUS", XMPP_SCRAM_HASH_SHA1, TRUE, XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS
  },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS] = {
    "SCRAM-SHA-256-PLUS", XMPP_SCRAM_HASH_SHA256, TRUE, XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS
  },
  [XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS] = {
    "SCRAM-SHA-512-PLUS", XMPP_SCRAM_HASH_SHA512, TRUE, XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (mechanisms) == XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS + 1);

static void
wipe_password (XmppSasl *self)
{
  if (self->password == NULL)
    return;
  gnutls_memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
}

static void
xmpp_sasl_dispose (GObject *object)
{
  XmppSasl *self = XMPP_SASL (object);

  g_clear_object (&self->scram);

  G_OBJECT_CLASS (xmpp_sasl_parent_class)->dispose (object);
}

static void
xmpp_sasl_finalize (GObject *object)
{
  XmppSasl *self = XMPP_SASL (object);

  wipe_password (self);
  g_clear_pointer (&self->authcid, g_free);
  g_clear_pointer (&self->tls_exporter, g_bytes_unref);
  g_clear_pointer (&self->tls_server_end_point, g_bytes_unref);

  G_OBJECT_CLASS (xmpp_sasl_parent_class)->finalize (object);
}

static void
xmpp_sasl_class_init (XmppSaslClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_sasl_dispose;
  object_class->finalize = xmpp_sasl_finalize;
}

static void
xmpp_sasl_init (XmppSasl *self)
{
  self->state = SASL_STATE_NEW;
  self->mechanism = XMPP_SASL_MECHANISM_NONE;
  self->minimum = XMPP_SASL_MECHANISM_NONE;
  self->binding = XMPP_SCRAM_CHANNEL_BINDING_NONE;
}

static gboolean
is_scram (XmppSaslMechanism mechanism)
{
  return mechanism >= XMPP_SASL_MECHANISM_SCRAM_SHA_1;
}

/**
 * xmpp_sasl_mechanism_to_string:
 * @mechanism: a mechanism
 *
 * Returns: (nullable): the IANA name of @mechanism, e.g.
 *   `"SCRAM-SHA-256-PLUS"`, or %NULL for %XMPP_SASL_MECHANISM_NONE
 */
const char *
xmpp_sasl_mechanism_to_string (XmppSaslMechanism mechanism)
{
  g_return_val_if_fail ((guint) mechanism < G_N_ELEMENTS (mechanisms), NULL);

  return mechanisms[mechanism].name;
}

/**
 * xmpp_sasl_mechanism_from_string:
 * @name: (nullable): a SASL mechanism name, e.g. from `<mechanisms/>`
 *
 * Mechanism names are case-sensitive (RFC 4422 §3.1).
 *
 * Returns: the mechanism, or %XMPP_SASL_MECHANISM_NONE if @name is not
 *   one we speak
 */
XmppSaslMechanism
xmpp_sasl_mechanism_from_string (const char *name)
{
  if (name == NULL)
    return XMPP_SASL_MECHANISM_NONE;
  for (guint i = XMPP_SASL_MECHANISM_PLAIN; i < G_N_ELEMENTS (mechanisms); i++)
    {
      if (strcmp (mechanisms[i].name, name) == 0)
        return (XmppSaslMechanism) i;
    }
  return XMPP_SASL_MECHANISM_NONE;
}

/**
 * xmpp_sasl_new:
 * @authcid: the authentication identity: the account JID's localpart
 * @password: the account's password
 * @tls_active: whether the stream is protected by TLS with a certificate
 *   that was verified or pinned; PLAIN and channel binding need it
 *
 * Creates the SASL state for one login attempt.  Add the TLS connection's
 * channel-binding data with xmpp_sasl_set_channel_binding(), then pick a
 * mechanism with xmpp_sasl_select().  Passwords and SASL payloads are never
 * logged, and the password is wiped from memory when it is no longer
 * needed.
 *
 * Returns: (transfer full): a new #XmppSasl
 */
XmppSasl *
xmpp_sasl_new (const char *authcid,
               const char *password,
               gboolean    tls_active)
{
  XmppSasl *self;

  g_return_val_if_fail (authcid != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (XMPP_TYPE_SASL, NULL);
  self->authcid = g_strdup (authcid);
  self->password = g_strdup (password);
  self->tls_active = !!tls_active;
  return self;
}

/**
 * xmpp_sasl_set_channel_binding:
 * @self: an #XmppSasl
 * @type: %XMPP_SASL_CB_TLS_EXPORTER or %XMPP_SASL_CB_TLS_SERVER_END_POINT
 * @data: (nullable): the binding data the TLS connection produced for
 *   @type, or %NULL to forget it
 *
 * Makes a channel-binding type available for the `-PLUS` mechanisms.
 * Without XEP-0440 the server's types are unknown and `tls-exporter` is
 * preferred whenever it is set, so set it only on TLS 1.3 (RFC 9266 §3
 * forbids it on TLS 1.2 without the extended master secret), and set
 * `tls-server-end-point` whenever the certificate allows it.  Ignored
 * unless the stream is TLS-protected.  Call it before xmpp_sasl_select().
 */
void
xmpp_sasl_set_channel_binding (XmppSasl   *self,
                               const char *type,
                               GBytes     *data)
{
  GBytes **slot;

  g_return_if_fail (XMPP_IS_SASL (self));
  g_return_if_fail (self->state == SASL_STATE_NEW);
  g_return_if_fail (type != NULL);

  if (strcmp (type, XMPP_SASL_CB_TLS_EXPORTER) == 0)
    slot = &self->tls_exporter;
  else if (strcmp (type, XMPP_SASL_CB_TLS_SERVER_END_POINT) == 0)
    slot = &self->tls_server_end_point;
  else
    g_return_if_reached ();

  g_clear_pointer (slot, g_bytes_unref);
  if (data != NULL && g_bytes_get_size (data) > 0)
    *slot = g_bytes_ref (data);
}

/**
 * xmpp_sasl_set_minimum_mechanism:
 * @self: an #XmppSasl
 * @mechanism: the weakest mechanism to accept, or
 *   %XMPP_SASL_MECHANISM_NONE for no limit
 *
 * Refuses every mechanism weaker than @mechanism in xmpp_sasl_select().
 * An account remembers the best mechanism it has ever used and passes it
 * here, so a man in the middle that strips `-PLUS` or SCRAM from the
 * offered list causes an error instead of a downgrade (SECURITY.md row 35).
 */
void
xmpp_sasl_set_minimum_mechanism (XmppSasl          *self,
                                 XmppSaslMechanism  mechanism)
{
  g_return_if_fail (XMPP_IS_SASL (self));
  g_return_if_fail (self->state == SASL_STATE_NEW);
  g_return_if_fail ((guint) mechanism < G_N_ELEMENTS (mechanisms));

  self->minimum = mechanism;
}

/* XEP-0440 §4: with the server's list, tls-exporter if both sides have it,
 * else tls-server-end-point; without the list, whatever data we have. */
static XmppScramChannelBinding
choose_binding_type (XmppSasl           *self,
                     const char * const *server_cb_types)
{
  gboolean exporter;
  gboolean end_point;

  if (!self->tls_active)
    return XMPP_SCRAM_CHANNEL_BINDING_NONE;

  exporter = self->tls_exporter != NULL &&
             (server_cb_types == NULL ||
              g_strv_contains (server_cb_types, XMPP_SASL_CB_TLS_EXPORTER));
  end_point = self->tls_server_end_point != NULL &&
              (server_cb_types == NULL ||
               g_strv_contains (server_cb_types, XMPP_SASL_CB_TLS_SERVER_END_POINT));

  if (exporter)
    return XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER;
  if (end_point)
    return XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT;
  return XMPP_SCRAM_CHANNEL_BINDING_NONE;
}

static GBytes *
binding_data (XmppSasl                *self,
              XmppScramChannelBinding  binding)
{
  switch (binding)
    {
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER:
      return self->tls_exporter;
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT:
      return self->tls_server_end_point;
    case XMPP_SCRAM_CHANNEL_BINDING_NONE:
    case XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED:
    default:
      return NULL;
    }
}

/**
 * xmpp_sasl_select:
 * @self: an #XmppSasl
 * @offered_mechanisms: (array zero-terminated=1) (nullable): the names in
 *   the server's `<mechanisms/>`
 * @server_cb_types: (array zero-terminated=1) (nullable): the types in the
 *   server's XEP-0440 `<sasl-channel-binding/>`, or %NULL if the server did
 *   not advertise it
 * @error: return location for a #GError
 *
 * Picks the strongest offered mechanism we can use, in the order
 * SCRAM-SHA-512-PLUS, SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-512,
 * SCRAM-SHA-256, SCRAM-SHA-1, PLAIN.  A `-PLUS` mechanism needs binding
 * data of a type the server supports; PLAIN needs TLS.  When we could bind
 * but the server does not offer the `-PLUS` variant of the chosen SCRAM
 * mechanism, the gs2 flag is `y`, so a server that does support channel
 * binding detects the downgrade (RFC 5802 §6).  When the server offers
 * `-PLUS` but we have no type in common, the flag is `n`: `y` would make an
 * honest server fail the login.
 *
 * Fails with %XMPP_ERROR_AUTH_MECHANISM if nothing acceptable is offered or
 * the best acceptable mechanism is weaker than the minimum set with
 * xmpp_sasl_set_minimum_mechanism().
 *
 * Returns: %TRUE if a mechanism was chosen
 */
gboolean
xmpp_sasl_select (XmppSasl            *self,
                  const char * const  *offered_mechanisms,
                  const char * const  *server_cb_types,
                  GError             **error)
{
  gboolean offered[G_N_ELEMENTS (mechanisms)] = { FALSE };
  XmppScramChannelBinding cb_type;
  XmppSaslMechanism chosen;
  gboolean can_bind_any;

  g_return_val_if_fail (XMPP_IS_SASL (self), FALSE);
  g_return_val_if_fail (self->state == SASL_STATE_NEW, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; offered_mechanisms != NULL && offered_mechanisms[i] != NULL; i++)
    offered[xmpp_sasl_mechanism_from_string (offered_mechanisms[i])] = TRUE;
  offered[XMPP_SASL_MECHANISM_NONE] = FALSE;

  cb_type = choose_binding_type (self, server_cb_types);
  can_bind_any = self->tls_active &&
                 (self->tls_exporter != NULL || self->tls_server_end_point != NULL);

  for (chosen = XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS;
       chosen > XMPP_SASL_MECHANISM_NONE;
       chosen--)
    {
      if (!offered[chosen])
        continue;
      if (mechanisms[chosen].plus && cb_type == XMPP_SCRAM_CHANNEL_BINDING_NONE)
        continue;
      if (chosen == XMPP_SASL_MECHANISM_PLAIN && !self->tls_active)
        continue;
      break;
    }

  if (chosen == XMPP_SASL_MECHANISM_NONE)
    {
      self->state = SASL_STATE_FAILED;
      if (offered[XMPP_SASL_MECHANISM_PLAIN])
        g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM,
                             _("The server offers only to send the password unencrypted"));
      else
        g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM,
                             _("The server offers no supported sign-in mechanism"));
      return FALSE;
    }

  if (chosen < self->minimum)
    {
      self->state = SASL_STATE_FAILED;
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM,
                   _("The server offers only %s, but this account requires at least %s; "
                     "someone may be interfering with the connection"),
                   mechanisms[chosen].name, mechanisms[self->minimum].name);
      return FALSE;
    }

  self->mechanism = chosen;
  if (is_scram (chosen))
    {
      if (mechanisms[chosen].plus)
        self->binding = cb_type;
      else if (can_bind_any && !offered[mechanisms[chosen].plus_variant])
        self->binding = XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED;
      else
        self->binding = XMPP_SCRAM_CHANNEL_BINDING_NONE;

      self->scram = xmpp_scram_new (mechanisms[chosen].hash, self->authcid, self->password);
      xmpp_scram_set_channel_binding (self->scram, self->binding,
                                      binding_data (self, self->binding));
      /* XmppScram keeps its own copy and wipes it. */
      wipe_password (self);
    }

  g_debug ("SASL: chose %s (channel binding: %s)", mechanisms[chosen].name,
           xmpp_sasl_get_channel_binding_type (self) != NULL ?
           xmpp_sasl_get_channel_binding_type (self) : "none");
  self->state = SASL_STATE_SELECTED;
  return TRUE;
}

/**
 * xmpp_sasl_get_mechanism:
 * @self: an #XmppSasl
 *
 * Returns: (nullable): the name of the chosen mechanism, for the
 *   `mechanism` attribute of `<auth/>`, or %NULL before a successful
 *   xmpp_sasl_select()
 */
const char *
xmpp_sasl_get_mechanism (XmppSasl *self)
{
  g_return_val_if_fail (XMPP_IS_SASL (self), NULL);

  return mechanisms[self->mechanism].name;
}

/**
 * xmpp_sasl_get_mechanism_id:
 * @self: an #XmppSasl
 *
 * Returns: the chosen mechanism, or %XMPP_SASL_MECHANISM_NONE before a
 *   successful xmpp_sasl_select(); after a successful login, an account
 *   stores it as its new minimum if it is stronger than the old one
 */
XmppSaslMechanism
xmpp_sasl_get_mechanism_id (XmppSasl *self)
{
  g_return_val_if_fail (XMPP_IS_SASL (self), XMPP_SASL_MECHANISM_NONE);

  return self->mechanism;
}

/**
 * xmpp_sasl_get_channel_binding_type:
 * @self: an #XmppSasl
 *
 * Returns: (nullable): %XMPP_SASL_CB_TLS_EXPORTER or
 *   %XMPP_SASL_CB_TLS_SERVER_END_POINT if the chosen mechanism binds the
 *   TLS channel, else %NULL
 */
const char *
xmpp_sasl_get_channel_binding_type (XmppSasl *self)
{
  g_return_val_if_fail (XMPP_IS_SASL (self), NULL);

  switch (self->binding)
    {
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER:
      return XMPP_SASL_CB_TLS_EXPORTER;
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT:
      return XMPP_SASL_CB_TLS_SERVER_END_POINT;
    case XMPP_SCRAM_CHANNEL_BINDING_NONE:
    case XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED:
    default:
      return NULL;
    }
}

static void
fail (XmppSasl    *self,
      GError     **error,
      XmppError    code,
      const char  *message)
{
  self->state = SASL_STATE_FAILED;
  g_set_error_literal (error, XMPP_ERROR, code, message);
}

static char *
plain_initial_response (XmppSasl  *self,
                        GError   **error)
{
  g_autofree char *authcid = NULL;
  char *password;
  char *response;
  guint8 *message;
  gsize authcid_length;
  gsize password_length;
  gsize length;

  authcid = xmpp_scram_saslprep (self->authcid);
  if (authcid == NULL || *authcid == '\0')
    {
      fail (self, error, XMPP_ERROR_AUTH_FAILED,
            _("The user name contains characters that cannot be used to sign in"));
      return NULL;
    }
  password = xmpp_scram_saslprep (self->password);
  wipe_password (self);
  if (password == NULL)
    {
      fail (self, error, XMPP_ERROR_AUTH_FAILED,
            _("The password contains characters that cannot be used to sign in"));
      return NULL;
    }

  /* RFC 4616 §2: [authzid] NUL authcid NUL passwd, with no authzid. */
  authcid_length = strlen (authcid);
  password_length = strlen (password);
  length = 1 + authcid_length + 1 + password_length;
  message = g_malloc (length);
  message[0] = '\0';
  memcpy (message + 1, authcid, authcid_length);
  message[1 + authcid_length] = '\0';
  memcpy (message + 2 + authcid_length, password, password_length);
  response = g_base64_encode (message, length);

  gnutls_memset (message, 0, length);
  g_free (message);
  gnutls_memset (password, 0, password_length);
  g_free (password);
  return response;
}

/**
 * xmpp_sasl_initial_response:
 * @self: an #XmppSasl
 * @error: return location for a #GError
 *
 * Builds the initial response for the `<auth/>` element: for PLAIN the
 * credentials, for SCRAM the client-first-message.  Fails with
 * %XMPP_ERROR_AUTH_FAILED if the user name or password cannot be prepared
 * with SASLprep.
 *
 * Returns: (transfer full): base64 text (`=` stands for an empty
 *   response, RFC 6120 §6.4.2), or %NULL; for PLAIN it holds the password,
 *   so free it promptly and never log it
 */
char *
xmpp_sasl_initial_response (XmppSasl  *self,
                            GError   **error)
{
  g_autofree char *message = NULL;
  char *response;

  g_return_val_if_fail (XMPP_IS_SASL (self), NULL);
  g_return_val_if_fail (self->state == SASL_STATE_SELECTED, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->mechanism == XMPP_SASL_MECHANISM_PLAIN)
    {
      response = plain_initial_response (self, error);
      if (response == NULL)
        return NULL;
      self->state = SASL_STATE_STARTED;
      return response;
    }

  message = xmpp_scram_client_first (self->scram, error);
  if (message == NULL)
    {
      self->state = SASL_STATE_FAILED;
      return NULL;
    }
  self->state = SASL_STATE_STARTED;
  return g_base64_encode ((const guint8 *) message, strlen (message));
}

/* Decodes base64 text from the server; NULL, "" and "=" are empty. */
static guint8 *
decode_server_data (XmppSasl    *self,
                    const char  *text,
                    gsize       *length,
                    GError     **error)
{
  gsize text_length = text != NULL ? strlen (text) : 0;
  guint8 *decoded;

  if (text_length > MAX_BASE64)
    {
      fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
            _("The server sent an overlong sign-in message"));
      return NULL;
    }
  if (text_length == 1 && text[0] == '=')
    text_length = 0;

  decoded = xmpp_scram_base64_decode (text, text_length, length);
  if (decoded == NULL)
    fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
          _("The server sent sign-in data that is not valid base64"));
  return decoded;
}

/**
 * xmpp_sasl_respond:
 * @self: an #XmppSasl
 * @challenge: (nullable): the base64 text of a `<challenge/>`
 * @error: return location for a #GError
 *
 * Answers a challenge.  For SCRAM the first challenge is the
 * server-first-message; a second challenge may carry the
 * server-final-message, which is verified before anything is answered.
 * Any other challenge, invalid base64 or a malformed message fails with
 * %XMPP_ERROR_AUTH_PROTOCOL; a SCRAM `e=` fails with
 * %XMPP_ERROR_AUTH_FAILED.
 *
 * Returns: (transfer full): base64 text for the `<response/>`, where the
 *   empty string means an empty `<response/>`, or %NULL
 */
char *
xmpp_sasl_respond (XmppSasl    *self,
                   const char  *challenge,
                   GError     **error)
{
  g_autofree guint8 *decoded = NULL;
  g_autofree char *answer = NULL;
  gsize length = 0;

  g_return_val_if_fail (XMPP_IS_SASL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_scram (self->mechanism) ||
      (self->state != SASL_STATE_STARTED && self->state != SASL_STATE_CLIENT_FINAL_SENT))
    {
      fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
            _("The server sent an unexpected sign-in challenge"));
      return NULL;
    }

  decoded = decode_server_data (self, challenge, &length, error);
  if (decoded == NULL)
    return NULL;

  if (self->state == SASL_STATE_STARTED)
    {
      answer = xmpp_scram_handle_server_first (self->scram, (const char *) decoded, length,
                                               error);
      if (answer == NULL)
        {
          self->state = SASL_STATE_FAILED;
          return NULL;
        }
      self->state = SASL_STATE_CLIENT_FINAL_SENT;
      return g_base64_encode ((const guint8 *) answer, strlen (answer));
    }

  /* RFC 6120 §6.3.10 lets the server send its final message as a
   * challenge, answered by an empty response before <success/>. */
  if (!xmpp_scram_verify_server_final (self->scram, (const char *) decoded, length, error))
    {
      self->state = SASL_STATE_FAILED;
      return NULL;
    }
  self->state = SASL_STATE_SERVER_VERIFIED;
  return g_strdup ("");
}

/**
 * xmpp_sasl_verify_success:
 * @self: an #XmppSasl
 * @additional_data: (nullable): the base64 text of `<success/>`, or %NULL
 *   if it was empty
 * @error: return location for a #GError
 *
 * Decides whether a `<success/>` completes the login.  For SCRAM the
 * server must have proved that it knows the password: its signature,
 * carried here or in an earlier challenge, must verify.  A `<success/>`
 * without it, or before the exchange is complete, fails with
 * %XMPP_ERROR_AUTH_PROTOCOL (SECURITY.md row 34); treat the session as
 * compromised and send nothing more on it.
 *
 * Returns: %TRUE if the login succeeded
 */
gboolean
xmpp_sasl_verify_success (XmppSasl    *self,
                          const char  *additional_data,
                          GError     **error)
{
  g_autofree guint8 *decoded = NULL;
  gsize length = 0;

  g_return_val_if_fail (XMPP_IS_SASL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->mechanism == XMPP_SASL_MECHANISM_PLAIN && self->state == SASL_STATE_STARTED)
    {
      /* PLAIN has no server data; anything sent along is meaningless. */
      self->state = SASL_STATE_DONE;
      return TRUE;
    }

  if (!is_scram (self->mechanism) ||
      (self->state != SASL_STATE_STARTED &&
       self->state != SASL_STATE_CLIENT_FINAL_SENT &&
       self->state != SASL_STATE_SERVER_VERIFIED))
    {
      fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
            _("The server reported success at an unexpected point of the sign-in"));
      return FALSE;
    }

  decoded = decode_server_data (self, additional_data, &length, error);
  if (decoded == NULL)
    return FALSE;

  switch (self->state)
    {
    case SASL_STATE_SERVER_VERIFIED:
      if (length != 0)
        {
          fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
                _("The server sent a second final sign-in message"));
          return FALSE;
        }
      break;

    case SASL_STATE_CLIENT_FINAL_SENT:
      if (length == 0)
        {
          fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
                _("The server did not prove that it knows the password"));
          return FALSE;
        }
      if (!xmpp_scram_verify_server_final (self->scram, (const char *) decoded, length, error))
        {
          self->state = SASL_STATE_FAILED;
          return FALSE;
        }
      break;

    case SASL_STATE_STARTED:
    default:
      fail (self, error, XMPP_ERROR_AUTH_PROTOCOL,
            _("The server did not prove that it knows the password"));
      return FALSE;
    }

  self->state = SASL_STATE_DONE;
  return TRUE;
}

/* RFC 6120 §6.5, sorted by condition. */
static const struct {
  const char *condition;
  XmppError   code;
  const char *message;
} failures[] = {
  { "aborted", XMPP_ERROR_FAILED, N_("The sign-in was aborted") },
  { "account-disabled", XMPP_ERROR_AUTH_FAILED, N_("The account is disabled") },
  { "credentials-expired", XMPP_ERROR_AUTH_FAILED, N_("The password has expired") },
  { "encryption-required", XMPP_ERROR_AUTH_MECHANISM,
    N_("The server requires an encrypted connection for this sign-in mechanism") },
  { "incorrect-encoding", XMPP_ERROR_AUTH_PROTOCOL,
    N_("The server could not decode the sign-in data") },
  { "invalid-authzid", XMPP_ERROR_AUTH_PROTOCOL,
    N_("The server refused the identity to sign in as") },
  { "invalid-mechanism", XMPP_ERROR_AUTH_MECHANISM,
    N_("The server does not support the chosen sign-in mechanism") },
  { "malformed-request", XMPP_ERROR_AUTH_PROTOCOL,
    N_("The server found the sign-in request malformed") },
  { "mechanism-too-weak", XMPP_ERROR_AUTH_MECHANISM,
    N_("The server considers the chosen sign-in mechanism too weak") },
  { "not-authorized", XMPP_ERROR_AUTH_FAILED, N_("The user name or password is wrong") },
  { "temporary-auth-failure", XMPP_ERROR_FAILED,
    N_("The server cannot sign you in right now because of a temporary problem") },
};

/* The server's <text/> goes into a user-visible message: valid UTF-8, no
 * control characters, and not a novel. */
static char *
sanitize_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *shortened = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 200));
  GString *clean = g_string_new (NULL);

  for (const char *p = shortened; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (clean, g_unichar_iscntrl (c) ? ' ' : c);
    }
  return g_strstrip (g_string_free (clean, FALSE));
}

/**
 * xmpp_sasl_failure_to_error:
 * @condition: (nullable): the element name of the condition inside
 *   `<failure/>`, e.g. `"not-authorized"`
 * @text: (nullable): the content of its `<text/>`, if any
 *
 * Maps a SASL failure (RFC 6120 §6.5) to an error in the %XMPP_ERROR
 * domain.  Wrong, disabled or expired credentials are
 * %XMPP_ERROR_AUTH_FAILED; mechanism problems %XMPP_ERROR_AUTH_MECHANISM;
 * a broken exchange %XMPP_ERROR_AUTH_PROTOCOL; `aborted` and
 * `temporary-auth-failure` are %XMPP_ERROR_FAILED, so the client retries
 * later instead of asking for a new password.  An unknown or missing
 * condition counts as %XMPP_ERROR_AUTH_FAILED.  The server's text, cleaned
 * of control characters and shortened, is appended to the message.
 *
 * Returns: (transfer full): a new #GError
 */
GError *
xmpp_sasl_failure_to_error (const char *condition,
                            const char *text)
{
  XmppError code = XMPP_ERROR_AUTH_FAILED;
  const char *message = N_("The server refused the sign-in");
  g_autofree char *clean = NULL;

  for (guint i = 0; condition != NULL && i < G_N_ELEMENTS (failures); i++)
    {
      if (strcmp (failures[i].condition, condition) == 0)
        {
          code = failures[i].code;
          message = failures[i].message;
          break;
        }
    }

  if (text != NULL)
    clean = sanitize_text (text);
  if (clean == NULL || *clean == '\0')
    return g_error_new_literal (XMPP_ERROR, code, _(message));

  /* Translators: the first %s explains a sign-in failure, the second is
   * the server's own explanation. */
  return g_error_new (XMPP_ERROR, code, _("%s (the server said: “%s”)"), _(message), clean);
}
