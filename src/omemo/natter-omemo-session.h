/* natter-omemo-session.h: one account's OMEMO: keys, sessions, encrypting and decrypting messages
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "store/store.h"
#include "omemo/natter-omemo-xml.h"

G_BEGIN_DECLS

#define NATTER_TYPE_OMEMO_SESSION (natter_omemo_session_get_type ())

G_DECLARE_FINAL_TYPE (NatterOmemoSession, natter_omemo_session, NATTER, OMEMO_SESSION, GObject)

/**
 * NatterOmemoDecrypted:
 * @body: (nullable): the decrypted body, valid UTF-8; %NULL for a key
 *   transport element
 * @sender_device: the sending device
 * @trust: how far the sending device's identity key is trusted
 * @pre_key_message: the message was a pre-key message (it built a session)
 * @used_pre_key_id: the one-time pre-key the message used up, or 0
 * @bundle_changed: a one-time pre-key was used and replaced: publish the
 *   bundle again
 *
 * What decrypting one message gave.
 */
typedef struct
{
  char                  *body;
  guint32                sender_device;
  NatterStoreOmemoTrust  trust;
  gboolean               pre_key_message;
  guint32                used_pre_key_id;
  gboolean               bundle_changed;
} NatterOmemoDecrypted;

void                  natter_omemo_decrypted_free          (NatterOmemoDecrypted  *decrypted);

NatterOmemoSession   *natter_omemo_session_new             (NatterStore           *store,
                                                            gint64                 account_id,
                                                            const char            *own_jid,
                                                            GError               **error)
                                                            G_GNUC_WARN_UNUSED_RESULT;
guint32               natter_omemo_session_get_device_id   (NatterOmemoSession    *self);
const char           *natter_omemo_session_get_own_jid     (NatterOmemoSession    *self);
char                 *natter_omemo_session_dup_fingerprint (NatterOmemoSession    *self)
                                                            G_GNUC_WARN_UNUSED_RESULT;
NatterOmemoBundle    *natter_omemo_session_dup_bundle      (NatterOmemoSession    *self,
                                                            GError               **error)
                                                            G_GNUC_WARN_UNUSED_RESULT;
gboolean              natter_omemo_session_refresh_keys    (NatterOmemoSession    *self,
                                                            gint64                 now,
                                                            gboolean              *bundle_changed,
                                                            GError               **error);

gboolean              natter_omemo_session_set_device_list (NatterOmemoSession    *self,
                                                            const char            *jid,
                                                            const guint32         *device_ids,
                                                            guint                  n_devices,
                                                            GError               **error);
gboolean              natter_omemo_session_process_bundle  (NatterOmemoSession    *self,
                                                            const char            *jid,
                                                            guint32                device_id,
                                                            NatterOmemoBundle     *bundle,
                                                            GError               **error);
gboolean              natter_omemo_session_has_session     (NatterOmemoSession    *self,
                                                            const char            *jid,
                                                            guint32                device_id);

NatterOmemoEncrypted *natter_omemo_session_encrypt         (NatterOmemoSession    *self,
                                                            const char            *body,
                                                            const char * const    *jids,
                                                            GError               **error)
                                                            G_GNUC_WARN_UNUSED_RESULT;
GBytes               *natter_omemo_session_dup_pre_key_identity (NatterOmemoSession *self,
                                                                 NatterOmemoEncrypted *encrypted)
                                                            G_GNUC_WARN_UNUSED_RESULT;
NatterOmemoDecrypted *natter_omemo_session_decrypt         (NatterOmemoSession    *self,
                                                            const char            *sender_jid,
                                                            NatterOmemoEncrypted  *encrypted,
                                                            GError               **error)
                                                            G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoDecrypted, natter_omemo_decrypted_free)

G_END_DECLS
