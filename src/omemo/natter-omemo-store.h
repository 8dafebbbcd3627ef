/* natter-omemo-store.h: libsignal's protocol stores, backed by the SQLite store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <signal/signal_protocol.h>

#include "store/store.h"

G_BEGIN_DECLS

/* Callbacks return below this when the database failed (SG_ERR_MINIMUM). */
#define NATTER_OMEMO_SG_ERR_STORE (SG_ERR_MINIMUM - 1)

typedef struct _NatterOmemoStore NatterOmemoStore;

NatterOmemoStore              *natter_omemo_store_new             (NatterStore       *store,
                                                                   gint64             account_id);
void                           natter_omemo_store_free            (NatterOmemoStore  *self);
signal_protocol_store_context *natter_omemo_store_create_context  (NatterOmemoStore  *self,
                                                                   signal_context    *context);
NatterStore                   *natter_omemo_store_get_store       (NatterOmemoStore  *self);
gint64                         natter_omemo_store_get_account_id  (NatterOmemoStore  *self);
gboolean                       natter_omemo_store_take_error      (NatterOmemoStore  *self,
                                                                   GError           **error);
void                           natter_omemo_store_set_receiving   (NatterOmemoStore  *self,
                                                                   gboolean           receiving);
GArray                        *natter_omemo_store_steal_removed_pre_keys (NatterOmemoStore *self);
NatterStoreOmemoTrust          natter_omemo_store_get_new_key_trust (NatterOmemoStore  *self,
                                                                     const char        *jid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoStore, natter_omemo_store_free)

G_END_DECLS
