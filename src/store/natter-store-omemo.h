/* natter-store-omemo.h: OMEMO state in the database: own keys, sessions, identities, device lists
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-store.h"

G_BEGIN_DECLS

/*
 * The store keeps OMEMO state as opaque serialised records (libsignal's
 * own formats); it knows nothing of libsignal.  Every row belongs to an
 * account and an OMEMO version, so a later version (urn:xmpp:omemo:2) can
 * live beside the legacy one.  The numeric values of these enumerations
 * are stored in the database: never renumber them.
 */

/**
 * NatterStoreOmemoVersion:
 * @NATTER_STORE_OMEMO_VERSION_LEGACY: XEP-0384 0.3, namespace `eu.siacs.conversations.axolotl`
 *
 * Which OMEMO a row belongs to.
 */
typedef enum {
  NATTER_STORE_OMEMO_VERSION_LEGACY = 1,
} NatterStoreOmemoVersion;

/**
 * NatterStoreOmemoTrust:
 * @NATTER_STORE_OMEMO_TRUST_UNDECIDED: seen, and the user has not decided
 * @NATTER_STORE_OMEMO_TRUST_TRUSTED: trusted without verification (blind
 *   trust before verification, or the user's choice)
 * @NATTER_STORE_OMEMO_TRUST_VERIFIED: the user compared the fingerprint
 * @NATTER_STORE_OMEMO_TRUST_DISTRUSTED: the user refused this key
 *
 * How far an identity key of a remote device is trusted.
 */
typedef enum {
  NATTER_STORE_OMEMO_TRUST_UNDECIDED = 0,
  NATTER_STORE_OMEMO_TRUST_TRUSTED = 1,
  NATTER_STORE_OMEMO_TRUST_VERIFIED = 2,
  NATTER_STORE_OMEMO_TRUST_DISTRUSTED = 3,
} NatterStoreOmemoTrust;

/**
 * NatterStoreOmemoOwn:
 * @device_id: this device's id, 1 to 2³¹ − 1
 * @registration_id: libsignal's registration id
 * @identity_public: the serialised public identity key (0x05 ‖ 32 bytes)
 * @identity_private: the serialised private identity key
 * @created: when it was made, µs since the epoch
 *
 * The identity of this device for one account.
 */
typedef struct
{
  guint32  device_id;
  guint32  registration_id;
  GBytes  *identity_public;
  GBytes  *identity_private;
  gint64   created;
} NatterStoreOmemoOwn;

/**
 * NatterStoreOmemoSignedPreKey:
 * @id: the signed pre-key id
 * @created: when it was made, µs since the epoch
 *
 * What the rotation needs to know of a signed pre-key.
 */
typedef struct
{
  guint32 id;
  gint64  created;
} NatterStoreOmemoSignedPreKey;

/**
 * NatterStoreOmemoIdentity:
 * @jid: the normalised bare JID of the device's owner
 * @device_id: the device
 * @identity_key: the serialised public identity key
 * @trust: how far it is trusted
 * @first_seen: when the key was first seen, µs since the epoch
 * @last_seen: when it was last used
 * @active: whether the device is in the owner's current device list
 *
 * One identity key of a remote device.  A device keeps the history of
 * every key it ever showed; each has its own trust.
 */
typedef struct
{
  char                  *jid;
  guint32                device_id;
  GBytes                *identity_key;
  NatterStoreOmemoTrust  trust;
  gint64                 first_seen;
  gint64                 last_seen;
  gboolean               active;
} NatterStoreOmemoIdentity;

/**
 * NatterStoreOmemoDevice:
 * @device_id: the device
 * @active: whether it is in the latest device list
 * @first_seen: when it first appeared in a device list
 * @last_seen: when it last appeared in one
 *
 * One entry of a known device list.
 */
typedef struct
{
  guint32  device_id;
  gboolean active;
  gint64   first_seen;
  gint64   last_seen;
} NatterStoreOmemoDevice;

void                      natter_store_omemo_own_free      (NatterStoreOmemoOwn      *own);
void                      natter_store_omemo_identity_free (NatterStoreOmemoIdentity *identity);

/* Own identity */
NatterStoreOmemoOwn *natter_store_omemo_get_own    (NatterStore                *self,
                                                    gint64                      account_id,
                                                    NatterStoreOmemoVersion     version,
                                                    GError                    **error);
gboolean             natter_store_omemo_set_own    (NatterStore                *self,
                                                    gint64                      account_id,
                                                    NatterStoreOmemoVersion     version,
                                                    const NatterStoreOmemoOwn  *own,
                                                    GError                    **error);
gboolean             natter_store_omemo_remove_own (NatterStore                *self,
                                                    gint64                      account_id,
                                                    NatterStoreOmemoVersion     version,
                                                    GError                    **error);

/* One-time pre-keys */
gboolean natter_store_omemo_save_pre_keys    (NatterStore              *self,
                                              gint64                    account_id,
                                              NatterStoreOmemoVersion   version,
                                              const guint32            *ids,
                                              GBytes * const           *records,
                                              guint                     n_keys,
                                              GError                  **error);
GBytes  *natter_store_omemo_load_pre_key     (NatterStore              *self,
                                              gint64                    account_id,
                                              NatterStoreOmemoVersion   version,
                                              guint32                   id,
                                              GError                  **error);
gboolean natter_store_omemo_remove_pre_key   (NatterStore              *self,
                                              gint64                    account_id,
                                              NatterStoreOmemoVersion   version,
                                              guint32                   id,
                                              gboolean                 *removed,
                                              GError                  **error);
GArray  *natter_store_omemo_list_pre_key_ids (NatterStore              *self,
                                              gint64                    account_id,
                                              NatterStoreOmemoVersion   version,
                                              GError                  **error);

/* Signed pre-keys */
gboolean natter_store_omemo_save_signed_pre_key   (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   guint32                   id,
                                                   GBytes                   *record,
                                                   gint64                    created,
                                                   GError                  **error);
GBytes  *natter_store_omemo_load_signed_pre_key   (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   guint32                   id,
                                                   GError                  **error);
gboolean natter_store_omemo_remove_signed_pre_key (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   guint32                   id,
                                                   GError                  **error);
GArray  *natter_store_omemo_list_signed_pre_keys  (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   GError                  **error);

/* Sessions, per remote device */
gboolean natter_store_omemo_save_session          (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   const char               *jid,
                                                   guint32                   device_id,
                                                   GBytes                   *record,
                                                   GError                  **error);
GBytes  *natter_store_omemo_load_session          (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   const char               *jid,
                                                   guint32                   device_id,
                                                   GError                  **error);
gboolean natter_store_omemo_remove_session        (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   const char               *jid,
                                                   guint32                   device_id,
                                                   gboolean                 *removed,
                                                   GError                  **error);
gint     natter_store_omemo_remove_sessions       (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   const char               *jid,
                                                   GError                  **error);
GArray  *natter_store_omemo_list_session_devices  (NatterStore              *self,
                                                   gint64                    account_id,
                                                   NatterStoreOmemoVersion   version,
                                                   const char               *jid,
                                                   GError                  **error);

/* Remote identities and trust */
gboolean                  natter_store_omemo_record_identity (NatterStore            *self,
                                                              gint64                  account_id,
                                                              NatterStoreOmemoVersion version,
                                                              const char             *jid,
                                                              guint32                 device_id,
                                                              GBytes                 *identity_key,
                                                              NatterStoreOmemoTrust   trust_if_new,
                                                              NatterStoreOmemoTrust  *trust,
                                                              GError                **error);
NatterStoreOmemoIdentity *natter_store_omemo_get_identity    (NatterStore            *self,
                                                              gint64                  account_id,
                                                              NatterStoreOmemoVersion version,
                                                              const char             *jid,
                                                              guint32                 device_id,
                                                              GBytes                 *identity_key,
                                                              GError                **error);
GPtrArray                *natter_store_omemo_list_identities (NatterStore            *self,
                                                              gint64                  account_id,
                                                              NatterStoreOmemoVersion version,
                                                              const char             *jid,
                                                              GError                **error);
gboolean                  natter_store_omemo_set_trust       (NatterStore            *self,
                                                              gint64                  account_id,
                                                              NatterStoreOmemoVersion version,
                                                              const char             *jid,
                                                              guint32                 device_id,
                                                              GBytes                 *identity_key,
                                                              NatterStoreOmemoTrust   trust,
                                                              GError                **error);

/* Device lists */
gboolean natter_store_omemo_set_device_list (NatterStore              *self,
                                             gint64                    account_id,
                                             NatterStoreOmemoVersion   version,
                                             const char               *jid,
                                             const guint32            *device_ids,
                                             guint                     n_devices,
                                             GError                  **error);
GArray  *natter_store_omemo_list_devices    (NatterStore              *self,
                                             gint64                    account_id,
                                             NatterStoreOmemoVersion   version,
                                             const char               *jid,
                                             gboolean                  active_only,
                                             GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreOmemoOwn, natter_store_omemo_own_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreOmemoIdentity, natter_store_omemo_identity_free)

G_END_DECLS
