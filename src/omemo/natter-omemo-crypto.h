/* natter-omemo-crypto.h: the crypto libsignal-protocol-c and OMEMO payloads need, on GnuTLS
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <signal/signal_protocol.h>

G_BEGIN_DECLS

/**
 * NATTER_OMEMO_AES_KEY_SIZE:
 *
 * The size of the AES-128-GCM key of an OMEMO payload.
 */
#define NATTER_OMEMO_AES_KEY_SIZE 16

/**
 * NATTER_OMEMO_GCM_TAG_SIZE:
 *
 * The size of the GCM authentication tag of an OMEMO payload.
 */
#define NATTER_OMEMO_GCM_TAG_SIZE 16

/**
 * NATTER_OMEMO_GCM_IV_SIZE:
 *
 * The size of the IV Natter uses for new payloads.  12- and 16-byte IVs
 * are accepted on the way in.
 */
#define NATTER_OMEMO_GCM_IV_SIZE 12

const signal_crypto_provider *natter_omemo_crypto_get_provider (void);

gboolean natter_omemo_crypto_random          (guint8        *data,
                                              gsize          length,
                                              GError       **error);

GBytes  *natter_omemo_crypto_gcm_encrypt     (const guint8  *key,
                                              const guint8  *iv,
                                              gsize          iv_length,
                                              const guint8  *plaintext,
                                              gsize          length,
                                              guint8         tag[NATTER_OMEMO_GCM_TAG_SIZE],
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes  *natter_omemo_crypto_gcm_decrypt     (const guint8  *key,
                                              const guint8  *iv,
                                              gsize          iv_length,
                                              const guint8  *ciphertext,
                                              gsize          length,
                                              const guint8   tag[NATTER_OMEMO_GCM_TAG_SIZE],
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
