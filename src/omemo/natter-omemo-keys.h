/* natter-omemo-keys.h: an account's OMEMO keys: identity, device id, pre-keys, fingerprints
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <signal/signal_protocol.h>

#include "store/store.h"
#include "omemo/natter-omemo-xml.h"

G_BEGIN_DECLS

/**
 * NATTER_OMEMO_PRE_KEY_COUNT:
 *
 * How many one-time pre-keys a bundle offers.
 */
#define NATTER_OMEMO_PRE_KEY_COUNT 100

/**
 * NATTER_OMEMO_SIGNED_PRE_KEY_MAX_AGE:
 *
 * A signed pre-key older than this (µs, 7 days) is replaced.
 */
#define NATTER_OMEMO_SIGNED_PRE_KEY_MAX_AGE (G_GINT64_CONSTANT (7) * G_TIME_SPAN_DAY)

/**
 * NATTER_OMEMO_SIGNED_PRE_KEY_GRACE:
 *
 * How long a replaced signed pre-key is kept (µs, 30 days) for pre-key
 * messages built on a bundle fetched before the rotation.
 */
#define NATTER_OMEMO_SIGNED_PRE_KEY_GRACE (G_GINT64_CONSTANT (30) * G_TIME_SPAN_DAY)

guint32            natter_omemo_keys_pick_device_id          (const guint32   *taken,
                                                              guint            n_taken);
gboolean           natter_omemo_keys_generate_own            (signal_context  *context,
                                                              NatterStore     *store,
                                                              gint64           account_id,
                                                              const char      *own_jid,
                                                              gint64           now,
                                                              GError         **error);
gboolean           natter_omemo_keys_replenish_pre_keys      (signal_context  *context,
                                                              NatterStore     *store,
                                                              gint64           account_id,
                                                              guint            target,
                                                              guint           *added,
                                                              GError         **error);
gboolean           natter_omemo_keys_rotate_signed_pre_key   (signal_context  *context,
                                                              NatterStore     *store,
                                                              gint64           account_id,
                                                              gint64           now,
                                                              gint64           max_age,
                                                              gint64           grace,
                                                              gboolean        *rotated,
                                                              GError         **error);
NatterOmemoBundle *natter_omemo_keys_build_bundle            (signal_context  *context,
                                                              NatterStore     *store,
                                                              gint64           account_id,
                                                              GError         **error);

char              *natter_omemo_fingerprint_format           (GBytes          *identity_key)
                                                              G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
