/* natter-omemo.h: an account's OMEMO on the network: device lists, bundles, trust, encrypting
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "omemo/omemo.h"
#include "xmpp/xmpp.h"

#include "natter-omemo-device.h"

G_BEGIN_DECLS

/**
 * NatterOmemoUriChange:
 * @jid: the bare JID the device belongs to
 * @device_id: the device
 * @fingerprint: its fingerprint as the URI gives it, in 8 groups of 8
 * @old_trust: the trust the key had before
 * @known: whether the key was known before; an unknown key is recorded
 *   as verified, so the device is verified once its bundle arrives
 *
 * What applying an `xmpp:` fingerprint URI changes (or would change) for
 * one device.
 */
typedef struct
{
  char             *jid;
  guint32           device_id;
  char             *fingerprint;
  NatterOmemoTrust  old_trust;
  gboolean          known;
} NatterOmemoUriChange;

#define NATTER_TYPE_OMEMO (natter_omemo_get_type ())

G_DECLARE_FINAL_TYPE (NatterOmemo, natter_omemo, NATTER, OMEMO, GObject)

void                  natter_omemo_uri_change_free          (NatterOmemoUriChange  *change);

guint32               natter_omemo_get_device_id            (NatterOmemo           *self);
char                 *natter_omemo_dup_own_fingerprint      (NatterOmemo           *self)
                                                             G_GNUC_WARN_UNUSED_RESULT;
gboolean              natter_omemo_get_ready                (NatterOmemo           *self);
GListModel           *natter_omemo_get_devices              (NatterOmemo           *self,
                                                             const char            *bare_jid);
gboolean              natter_omemo_has_devices              (NatterOmemo           *self,
                                                             const char            *bare_jid);
gboolean              natter_omemo_set_trust                (NatterOmemo           *self,
                                                             const char            *jid,
                                                             guint32                device_id,
                                                             NatterOmemoTrust       trust,
                                                             GError               **error);

void                  natter_omemo_fetch_bundles_async      (NatterOmemo           *self,
                                                             const char            *jid,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean              natter_omemo_fetch_bundles_finish     (NatterOmemo           *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                  natter_omemo_encrypt_async            (NatterOmemo           *self,
                                                             const char            *peer,
                                                             const char            *body,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
XmppNode             *natter_omemo_encrypt_finish           (NatterOmemo           *self,
                                                             GAsyncResult          *result,
                                                             GError               **error)
                                                             G_GNUC_WARN_UNUSED_RESULT;
NatterOmemoDecrypted *natter_omemo_decrypt                  (NatterOmemo           *self,
                                                             XmppJid               *from,
                                                             XmppNode              *encrypted,
                                                             GError               **error)
                                                             G_GNUC_WARN_UNUSED_RESULT;

char                 *natter_omemo_build_uri                (NatterOmemo           *self)
                                                             G_GNUC_WARN_UNUSED_RESULT;
gboolean              natter_omemo_apply_uri                (NatterOmemo           *self,
                                                             const char            *uri,
                                                             gboolean               dry_run,
                                                             GPtrArray            **changes,
                                                             GError               **error);

void                  natter_omemo_remove_own_device_async  (NatterOmemo           *self,
                                                             guint32                device_id,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean              natter_omemo_remove_own_device_finish (NatterOmemo           *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoUriChange, natter_omemo_uri_change_free)

G_END_DECLS
