/* fuzz-scram.c: feed server-first and server-final messages to a SCRAM client
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input layout: byte 0 chooses the hash (byte % 3: SHA-1, SHA-256, SHA-512)
 * and the channel binding ((byte / 3) % 4: n, y, tls-exporter,
 * tls-server-end-point); so '0' is SHA-1 and '1' SHA-256, both with 'n'.
 * The rest is the server-first-message up to the first newline, and the
 * server-final-message after it.  The client nonce is fixed to the one of
 * the RFC's example for the hash (RFC 5802 §5 for SHA-1 and SHA-512,
 * RFC 7677 §3 for SHA-256), with user "user" and password "pencil", so the
 * RFC exchanges in the corpus verify end to end.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-scram-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint8 binding_bytes[32] = { 0x5a };
  g_autoptr(XmppScram) scram = NULL;
  g_autoptr(GBytes) binding_data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  const char *server_first;
  const char *newline;
  gsize first_length;
  XmppScramHash hash;
  XmppScramChannelBinding binding;

  if (size < 1)
    return 0;

  hash = (XmppScramHash) (data[0] % 3);
  binding = (XmppScramChannelBinding) ((data[0] / 3) % 4);
  server_first = (const char *) data + 1;
  size--;

  scram = xmpp_scram_new (hash, "user", "pencil");
  binding_data = g_bytes_new_static (binding_bytes, sizeof binding_bytes);
  xmpp_scram_set_channel_binding (scram, binding, binding_data);
  xmpp_scram_set_client_nonce (scram, hash == XMPP_SCRAM_HASH_SHA256 ?
                                      "rOprNGfwEbeRWgbNEkqO" : "fyko+d2lbbFgONRv9qkxdawL");

  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client_first);

  newline = memchr (server_first, '\n', size);
  first_length = newline != NULL ? (gsize) (newline - server_first) : size;

  client_final = xmpp_scram_handle_server_first (scram, server_first, first_length, &error);
  if (client_final == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  if (newline != NULL)
    {
      const char *server_final = newline + 1;
      gsize final_length = size - first_length - 1;

      if (xmpp_scram_verify_server_final (scram, server_final, final_length, &error))
        g_assert_true (xmpp_scram_is_verified (scram));
      else
        g_assert_nonnull (error);
    }

  return 0;
}
