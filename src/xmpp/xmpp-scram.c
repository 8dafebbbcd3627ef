/* xmpp-scram.c: the client side of SCRAM (RFC 5802, RFC 7677, SHA-512)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-scram.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-scram-private.h"

/* The largest digest we use (SHA-512); every key buffer has this size so a
 * longer hash can never overrun a SHA-1-sized array. */
#define MAX_DIGEST 64

/* 24 random bytes give a 32-character base64 nonce without padding. */
#define NONCE_BYTES 24

typedef enum {
  SCRAM_STATE_INITIAL,
  SCRAM_STATE_CLIENT_FIRST_SENT,
  SCRAM_STATE_CLIENT_FINAL_SENT,
  SCRAM_STATE_VERIFIED,
  SCRAM_STATE_FAILED,
} ScramState;

struct _XmppScram
{
  GObject                  parent_instance;

  XmppScramHash            hash;
  XmppScramChannelBinding  binding;
  ScramState               state;
  GBytes                  *binding_data;
  char                    *username;
  char                    *password;
  char                    *client_nonce;
  char                    *gs2_header;
  char                    *client_first_bare;
  guint8                   server_signature[MAX_DIGEST];
};

G_DEFINE_FINAL_TYPE (XmppScram, xmpp_scram, G_TYPE_OBJECT)

static const struct {
  gnutls_digest_algorithm_t digest;
  gnutls_mac_algorithm_t    mac;
  gsize                     length;
} hashes[] = {
  [XMPP_SCRAM_HASH_SHA1] = { GNUTLS_DIG_SHA1, GNUTLS_MAC_SHA1, 20 },
  [XMPP_SCRAM_HASH_SHA256] = { GNUTLS_DIG_SHA256, GNUTLS_MAC_SHA256, 32 },
  [XMPP_SCRAM_HASH_SHA512] = { GNUTLS_DIG_SHA512, GNUTLS_MAC_SHA512, 64 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (hashes) == XMPP_SCRAM_HASH_SHA512 + 1);

/* A string that holds a secret: wiped before it is freed. */
typedef char SecretString;

static void
secret_string_free (SecretString *secret)
{
  if (secret == NULL)
    return;
  gnutls_memset (secret, 0, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, secret_string_free)

/* The intermediate keys of RFC 5802 §3, wiped as one block. */
typedef struct
{
  guint8 salted_password[MAX_DIGEST];
  guint8 client_key[MAX_DIGEST];
  guint8 stored_key[MAX_DIGEST];
  guint8 client_signature[MAX_DIGEST];
  guint8 client_proof[MAX_DIGEST];
  guint8 server_key[MAX_DIGEST];
} ScramKeys;

static void
scram_keys_wipe (ScramKeys *keys)
{
  gnutls_memset (keys, 0, sizeof *keys);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScramKeys, scram_keys_wipe)

static void
xmpp_scram_finalize (GObject *object)
{
  XmppScram *self = XMPP_SCRAM (object);

  g_clear_pointer (&self->password, secret_string_free);
  gnutls_memset (self->server_signature, 0, sizeof self->server_signature);
  g_clear_pointer (&self->binding_data, g_bytes_unref);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->client_nonce, g_free);
  g_clear_pointer (&self->gs2_header, g_free);
  g_clear_pointer (&self->client_first_bare, g_free);

  G_OBJECT_CLASS (xmpp_scram_parent_class)->finalize (object);
}

static void
xmpp_scram_class_init (XmppScramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xmpp_scram_finalize;
}

static void
xmpp_scram_init (XmppScram *self)
{
  self->state = SCRAM_STATE_INITIAL;
  self->binding = XMPP_SCRAM_CHANNEL_BINDING_NONE;
}

/* RFC 3454 table C.1.2: non-ASCII spaces, which SASLprep maps to SPACE. */
static gboolean
is_non_ascii_space (gunichar c)
{
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

/* RFC 3454 table B.1: characters SASLprep maps to nothing. */
static gboolean
is_mapped_to_nothing (gunichar c)
{
  return c == 0x00AD || c == 0x034F || c == 0x1806 ||
         (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D) ||
         c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

/* RFC 4013 §2.3: RFC 3454 tables C.1.2 and C.2.1 to C.9. */
static gboolean
is_prohibited (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||                 /* C.2 */
         is_non_ascii_space (c) ||                                /* C.1.2 */
         c == 0x06DD || c == 0x070F || c == 0x180E ||             /* C.2.2 */
         c == 0x200C || c == 0x200D || c == 0x2028 || c == 0x2029 ||
         (c >= 0x2060 && c <= 0x2063) || (c >= 0x206A && c <= 0x206F) ||
         c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFD) ||           /* C.2.2, C.6 */
         (c >= 0x1D173 && c <= 0x1D17A) ||
         (c >= 0xE000 && c <= 0xF8FF) ||                          /* C.3 */
         (c >= 0xF0000 && c <= 0xFFFFD) || (c >= 0x100000 && c <= 0x10FFFD) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE || /* C.4 */
         (c >= 0xD800 && c <= 0xDFFF) ||                          /* C.5 */
         (c >= 0x2FF0 && c <= 0x2FFB) ||                          /* C.7 */
         c == 0x0340 || c == 0x0341 || c == 0x200E || c == 0x200F || /* C.8 */
         (c >= 0x202A && c <= 0x202E) ||
         c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F);          /* C.9 */
}

static gboolean
is_printable_ascii (const char *str)
{
  for (const char *p = str; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p > 0x7E)
        return FALSE;
    }
  return TRUE;
}

/*
 * SASLprep (RFC 4013) with "query" semantics: unassigned code points pass,
 * since GLib's Unicode tables are newer than RFC 3454's Unicode 3.2.  The
 * bidirectional check of RFC 3454 §6 is not applied: GLib exposes no bidi
 * classes, and a server that applies it rejects such names itself.
 */
char *
xmpp_scram_saslprep (const char *input)
{
  g_autoptr(SecretString) mapped = NULL;
  g_autoptr(SecretString) normalized = NULL;
  GString *builder;

  g_return_val_if_fail (input != NULL, NULL);

  if (!g_utf8_validate (input, -1, NULL))
    return NULL;

  /* Printable ASCII is its own SASLprep output. */
  if (is_printable_ascii (input))
    return g_strdup (input);

  builder = g_string_sized_new (strlen (input) + 1);
  for (const char *p = input; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_mapped_to_nothing (c))
        continue;
      if (is_non_ascii_space (c))
        g_string_append_c (builder, ' ');
      else
        g_string_append_unichar (builder, c);
    }
  mapped = g_string_free (builder, FALSE);

  normalized = g_utf8_normalize (mapped, -1, G_NORMALIZE_NFKC);
  if (normalized == NULL)
    return NULL;

  for (const char *p = normalized; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (is_prohibited (g_utf8_get_char (p)))
        return NULL;
    }

  return g_steal_pointer (&normalized);
}

guint8 *
xmpp_scram_base64_decode (const char *text,
                          gsize       length,
                          gsize      *out_length)
{
  g_autofree guint8 *decoded = NULL;
  gsize padding = 0;
  int state = 0;
  guint save = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  /* g_base64_decode() skips whatever is not base64; server data must be
   * exactly base64, so check characters and padding first. */
  if (length % 4 != 0)
    return NULL;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          if (i + 2 < length)
            return NULL;
          padding++;
        }
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        {
          return NULL;
        }
    }

  decoded = g_malloc (length / 4 * 3 + 3);
  *out_length = length == 0 ? 0 : g_base64_decode_step (text, length, decoded, &state, &save);
  return g_steal_pointer (&decoded);
}

static gboolean
fail (XmppScram   *self,
      GError     **error,
      XmppError    code,
      const char  *message)
{
  self->state = SCRAM_STATE_FAILED;
  g_set_error_literal (error, XMPP_ERROR, code, message);
  return FALSE;
}

static gboolean
fail_protocol (XmppScram   *self,
               GError     **error,
               const char  *message)
{
  return fail (self, error, XMPP_ERROR_AUTH_PROTOCOL, message);
}

/**
 * xmpp_scram_new:
 * @hash: the hash function of the mechanism
 * @username: the user name (the JID's localpart), not yet SASLprepped
 * @password: the password, not yet SASLprepped
 *
 * Creates the client side of one SCRAM exchange.  The password is wiped
 * from memory once the proof is computed, and the object wipes every secret
 * it holds when it is finalized.
 *
 * Returns: (transfer full): a new #XmppScram
 */
XmppScram *
xmpp_scram_new (XmppScramHash  hash,
                const char    *username,
                const char    *password)
{
  XmppScram *self;

  g_return_val_if_fail ((guint) hash < G_N_ELEMENTS (hashes), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (XMPP_TYPE_SCRAM, NULL);
  self->hash = hash;
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  return self;
}

/**
 * xmpp_scram_set_channel_binding:
 * @self: an #XmppScram
 * @binding: what the gs2 header says about channel binding
 * @data: (nullable): the binding data of the TLS connection; required for
 *   %XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER and
 *   %XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT, ignored otherwise
 *
 * Chooses the gs2 channel-binding flag (RFC 5802 §6, §7).  Call it before
 * xmpp_scram_client_first(); the default is
 * %XMPP_SCRAM_CHANNEL_BINDING_NONE.
 */
void
xmpp_scram_set_channel_binding (XmppScram               *self,
                                XmppScramChannelBinding  binding,
                                GBytes                  *data)
{
  gboolean needs_data;

  g_return_if_fail (XMPP_IS_SCRAM (self));
  g_return_if_fail (self->state == SCRAM_STATE_INITIAL);
  g_return_if_fail (binding >= XMPP_SCRAM_CHANNEL_BINDING_NONE &&
                    binding <= XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT);

  needs_data = binding == XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER ||
               binding == XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT;
  g_return_if_fail (!needs_data || (data != NULL && g_bytes_get_size (data) > 0));

  self->binding = binding;
  g_clear_pointer (&self->binding_data, g_bytes_unref);
  if (needs_data)
    self->binding_data = g_bytes_ref (data);
}

/**
 * xmpp_scram_get_hash:
 * @self: an #XmppScram
 *
 * Returns: the hash function of the exchange
 */
XmppScramHash
xmpp_scram_get_hash (XmppScram *self)
{
  g_return_val_if_fail (XMPP_IS_SCRAM (self), XMPP_SCRAM_HASH_SHA1);

  return self->hash;
}

/**
 * xmpp_scram_get_channel_binding:
 * @self: an #XmppScram
 *
 * Returns: the channel-binding flag the gs2 header carries
 */
XmppScramChannelBinding
xmpp_scram_get_channel_binding (XmppScram *self)
{
  g_return_val_if_fail (XMPP_IS_SCRAM (self), XMPP_SCRAM_CHANNEL_BINDING_NONE);

  return self->binding;
}

/**
 * xmpp_scram_is_verified:
 * @self: an #XmppScram
 *
 * Returns: %TRUE once the server's signature has been verified, that is,
 *   the server has proved that it knows the password
 */
gboolean
xmpp_scram_is_verified (XmppScram *self)
{
  g_return_val_if_fail (XMPP_IS_SCRAM (self), FALSE);

  return self->state == SCRAM_STATE_VERIFIED;
}

static gboolean
is_nonce (const char *value)
{
  /* RFC 5802 §7: printable = %x21-2B / %x2D-7E, i.e. no comma. */
  if (*value == '\0')
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p < 0x21 || *p > 0x7E || *p == ',')
        return FALSE;
    }
  return TRUE;
}

void
xmpp_scram_set_client_nonce (XmppScram  *self,
                             const char *nonce)
{
  g_return_if_fail (XMPP_IS_SCRAM (self));
  g_return_if_fail (self->state == SCRAM_STATE_INITIAL);
  g_return_if_fail (nonce != NULL && is_nonce (nonce));

  g_free (self->client_nonce);
  self->client_nonce = g_strdup (nonce);
}

static const char *
gs2_flag (XmppScramChannelBinding binding)
{
  switch (binding)
    {
    case XMPP_SCRAM_CHANNEL_BINDING_NONE:
      return "n";
    case XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED:
      return "y";
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER:
      return "p=tls-exporter";
    case XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT:
      return "p=tls-server-end-point";
    default:
      g_assert_not_reached ();
    }
  return "n";
}

/* RFC 5802 §5.1: saslname escapes ',' and '='. */
static char *
escape_saslname (const char *name)
{
  GString *escaped = g_string_sized_new (strlen (name) + 1);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (escaped, "=2C");
      else if (*p == '=')
        g_string_append (escaped, "=3D");
      else
        g_string_append_c (escaped, *p);
    }
  return g_string_free (escaped, FALSE);
}

/**
 * xmpp_scram_client_first:
 * @self: an #XmppScram
 * @error: return location for a #GError
 *
 * Prepares the user name and password with SASLprep, draws the client
 * nonce and builds the client-first-message (RFC 5802 §7): the gs2 header
 * followed by `n=`user`,r=`nonce.  Fails with %XMPP_ERROR_AUTH_FAILED if
 * the user name or password holds characters SASLprep prohibits.
 *
 * Returns: (transfer full): the message, not base64-encoded, or %NULL
 */
char *
xmpp_scram_client_first (XmppScram  *self,
                         GError    **error)
{
  g_autofree char *username = NULL;
  g_autofree char *escaped = NULL;
  SecretString *password;

  g_return_val_if_fail (XMPP_IS_SCRAM (self), NULL);
  g_return_val_if_fail (self->state == SCRAM_STATE_INITIAL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  username = xmpp_scram_saslprep (self->username);
  if (username == NULL || *username == '\0')
    {
      fail (self, error, XMPP_ERROR_AUTH_FAILED,
            _("The user name contains characters that cannot be used to sign in"));
      return NULL;
    }

  password = xmpp_scram_saslprep (self->password);
  if (password == NULL)
    {
      fail (self, error, XMPP_ERROR_AUTH_FAILED,
            _("The password contains characters that cannot be used to sign in"));
      return NULL;
    }
  secret_string_free (self->password);
  self->password = password;

  if (self->client_nonce == NULL)
    {
      guint8 random[NONCE_BYTES];

      if (gnutls_rnd (GNUTLS_RND_NONCE, random, sizeof random) < 0)
        {
          fail (self, error, XMPP_ERROR_FAILED,
                _("Could not generate a random number for signing in"));
          return NULL;
        }
      self->client_nonce = g_base64_encode (random, sizeof random);
    }

  escaped = escape_saslname (username);
  self->gs2_header = g_strconcat (gs2_flag (self->binding), ",,", NULL);
  self->client_first_bare = g_strconcat ("n=", escaped, ",r=", self->client_nonce, NULL);
  self->state = SCRAM_STATE_CLIENT_FIRST_SENT;

  return g_strconcat (self->gs2_header, self->client_first_bare, NULL);
}

/* Splits a server message into attributes, each of the form ALPHA "=" value
 * (RFC 5802 §7).  The message must already be checked to be NUL-free. */
static char **
split_attributes (const char *message,
                  gsize       length)
{
  g_autofree char *copy = g_strndup (message, length);
  g_auto(GStrv) attributes = g_strsplit (copy, ",", -1);

  for (guint i = 0; attributes[i] != NULL; i++)
    {
      if (!g_ascii_isalpha (attributes[i][0]) || attributes[i][1] != '=')
        return NULL;
    }
  return g_steal_pointer (&attributes);
}

/* Parses a run of digits, saturating above the maximum we accept so that
 * "i=99999999999999999999" is an out-of-range count, not an overflow. */
static gboolean
parse_iterations (const char *value,
                  guint64    *count)
{
  guint64 n = 0;

  if (*value == '\0')
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      if (n <= XMPP_SCRAM_MAX_ITERATIONS)
        n = n * 10 + (guint64) (*p - '0');
    }
  *count = n;
  return TRUE;
}

static gboolean
check_server_message (XmppScram   *self,
                      const char  *message,
                      gsize        length,
                      GError     **error)
{
  if (length > XMPP_SCRAM_MAX_MESSAGE)
    return fail_protocol (self, error, _("The server sent an overlong sign-in message"));
  /* This also rejects NUL bytes. */
  if (!g_utf8_validate_len (message, length, NULL))
    return fail_protocol (self, error, _("The server sent a malformed sign-in message"));
  return TRUE;
}

static gboolean
compute_keys (XmppScram    *self,
              const guint8 *salt,
              gsize         salt_length,
              guint         iterations,
              const char   *auth_message,
              ScramKeys    *keys,
              GError      **error)
{
  gnutls_mac_algorithm_t mac = hashes[self->hash].mac;
  gsize length = hashes[self->hash].length;
  gsize auth_length = strlen (auth_message);
  gnutls_datum_t password = {
    (unsigned char *) self->password, (unsigned) strlen (self->password)
  };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, (unsigned) salt_length };

  /* RFC 5802 §3: SaltedPassword, ClientKey, StoredKey, ClientSignature,
   * ClientProof, ServerKey, ServerSignature. */
  if (gnutls_pbkdf2 (mac, &password, &salt_datum, iterations,
                     keys->salted_password, length) < 0 ||
      gnutls_hmac_fast (mac, keys->salted_password, length,
                        "Client Key", strlen ("Client Key"), keys->client_key) < 0 ||
      gnutls_hash_fast (hashes[self->hash].digest, keys->client_key, length,
                        keys->stored_key) < 0 ||
      gnutls_hmac_fast (mac, keys->stored_key, length,
                        auth_message, auth_length, keys->client_signature) < 0 ||
      gnutls_hmac_fast (mac, keys->salted_password, length,
                        "Server Key", strlen ("Server Key"), keys->server_key) < 0 ||
      gnutls_hmac_fast (mac, keys->server_key, length,
                        auth_message, auth_length, self->server_signature) < 0)
    return fail (self, error, XMPP_ERROR_FAILED, _("Could not compute the sign-in proof"));

  for (gsize i = 0; i < length; i++)
    keys->client_proof[i] = keys->client_key[i] ^ keys->client_signature[i];
  return TRUE;
}

static char *
channel_binding_attribute (XmppScram *self)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();

  /* RFC 5802 §7: c= is base64 of the gs2 header and the binding data. */
  g_byte_array_append (input, (const guint8 *) self->gs2_header, strlen (self->gs2_header));
  if (self->binding_data != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->binding_data, &size);

      g_byte_array_append (input, data, size);
    }
  return g_base64_encode (input->data, input->len);
}

/**
 * xmpp_scram_handle_server_first:
 * @self: an #XmppScram
 * @message: (array length=length): the server-first-message, base64-decoded
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Checks the server-first-message and answers it (RFC 5802 §5.1, §7).  The
 * server's nonce must extend ours, the salt must be non-empty base64 and
 * the iteration count must lie between %XMPP_SCRAM_MIN_ITERATIONS and
 * %XMPP_SCRAM_MAX_ITERATIONS; a mandatory extension (`m=`) is refused.
 * Any violation fails with %XMPP_ERROR_AUTH_PROTOCOL.
 *
 * Returns: (transfer full): the client-final-message, not base64-encoded,
 *   or %NULL
 */
char *
xmpp_scram_handle_server_first (XmppScram   *self,
                                const char  *message,
                                gsize        length,
                                GError     **error)
{
  g_auto(GStrv) attributes = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof = NULL;
  g_auto(ScramKeys) keys = { 0 };
  const char *nonce;
  gsize salt_length = 0;
  guint64 iterations = 0;

  g_return_val_if_fail (XMPP_IS_SCRAM (self), NULL);
  g_return_val_if_fail (self->state == SCRAM_STATE_CLIENT_FIRST_SENT, NULL);
  g_return_val_if_fail (message != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_server_message (self, message, length, error))
    return NULL;

  attributes = split_attributes (message, length);
  if (attributes == NULL || attributes[0] == NULL)
    {
      fail_protocol (self, error, _("The server sent a malformed sign-in message"));
      return NULL;
    }
  /* RFC 5802 §5.1: an m= we do not understand must fail the exchange. */
  for (guint i = 0; attributes[i] != NULL; i++)
    {
      if (attributes[i][0] == 'm')
        {
          fail_protocol (self, error,
                         _("The server requires a sign-in extension that is not supported"));
          return NULL;
        }
    }
  /* The order r, s, i is fixed; extensions may follow and are ignored. */
  if (g_strv_length (attributes) < 3 ||
      !g_str_has_prefix (attributes[0], "r=") ||
      !g_str_has_prefix (attributes[1], "s=") ||
      !g_str_has_prefix (attributes[2], "i="))
    {
      fail_protocol (self, error, _("The server sent a malformed sign-in message"));
      return NULL;
    }

  nonce = attributes[0] + 2;
  if (!is_nonce (nonce) ||
      !g_str_has_prefix (nonce, self->client_nonce) ||
      strlen (nonce) <= strlen (self->client_nonce))
    {
      fail_protocol (self, error, _("The server sent a nonce that does not extend ours"));
      return NULL;
    }

  salt = xmpp_scram_base64_decode (attributes[1] + 2, strlen (attributes[1] + 2), &salt_length);
  if (salt == NULL || salt_length == 0)
    {
      fail_protocol (self, error, _("The server sent an invalid salt"));
      return NULL;
    }

  if (!parse_iterations (attributes[2] + 2, &iterations) ||
      iterations < XMPP_SCRAM_MIN_ITERATIONS ||
      iterations > XMPP_SCRAM_MAX_ITERATIONS)
    {
      fail_protocol (self, error,
                     _("The server asked for an unacceptable number of hash iterations"));
      return NULL;
    }

  cbind = channel_binding_attribute (self);
  without_proof = g_strconcat ("c=", cbind, ",r=", nonce, NULL);
  server_first = g_strndup (message, length);
  auth_message = g_strconcat (self->client_first_bare, ",", server_first, ",",
                              without_proof, NULL);

  if (!compute_keys (self, salt, salt_length, (guint) iterations, auth_message, &keys, error))
    return NULL;

  /* The password is no longer needed: drop it as early as possible. */
  g_clear_pointer (&self->password, secret_string_free);

  proof = g_base64_encode (keys.client_proof, hashes[self->hash].length);
  self->state = SCRAM_STATE_CLIENT_FINAL_SENT;
  return g_strconcat (without_proof, ",p=", proof, NULL);
}

/* The value of e= goes into a user-visible message: keep only what looks
 * like an RFC 5802 server-error-value. */
static const char *
sanitize_server_error (const char *value)
{
  gsize length = strlen (value);

  if (length == 0 || length > 64)
    return "other-error";
  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-')
        return "other-error";
    }
  return value;
}

/**
 * xmpp_scram_verify_server_final:
 * @self: an #XmppScram
 * @message: (array length=length): the server-final-message, base64-decoded
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Verifies the server's signature (RFC 5802 §5.1, §7) with a constant-time
 * comparison.  `e=` fails with %XMPP_ERROR_AUTH_FAILED and names the
 * server's error; a missing or wrong `v=` fails with
 * %XMPP_ERROR_AUTH_PROTOCOL, since then the server has not proved that it
 * knows the password.
 *
 * Returns: %TRUE if the server's signature is correct
 */
gboolean
xmpp_scram_verify_server_final (XmppScram   *self,
                                const char  *message,
                                gsize        length,
                                GError     **error)
{
  g_auto(GStrv) attributes = NULL;
  g_autofree guint8 *signature = NULL;
  gsize signature_length = 0;
  gsize expected_length;
  const char *value;

  g_return_val_if_fail (XMPP_IS_SCRAM (self), FALSE);
  g_return_val_if_fail (self->state == SCRAM_STATE_CLIENT_FINAL_SENT, FALSE);
  g_return_val_if_fail (message != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_server_message (self, message, length, error))
    return FALSE;

  attributes = split_attributes (message, length);
  if (attributes == NULL || attributes[0] == NULL)
    return fail_protocol (self, error, _("The server did not prove that it knows the password"));

  value = attributes[0] + 2;
  if (attributes[0][0] == 'e')
    {
      self->state = SCRAM_STATE_FAILED;
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED,
                   _("The server refused the sign-in: %s"), sanitize_server_error (value));
      return FALSE;
    }
  if (attributes[0][0] != 'v')
    return fail_protocol (self, error, _("The server did not prove that it knows the password"));

  expected_length = hashes[self->hash].length;
  signature = xmpp_scram_base64_decode (value, strlen (value), &signature_length);
  if (signature == NULL || signature_length != expected_length ||
      gnutls_memcmp (signature, self->server_signature, expected_length) != 0)
    return fail_protocol (self, error, _("The server did not prove that it knows the password"));

  self->state = SCRAM_STATE_VERIFIED;
  return TRUE;
}
