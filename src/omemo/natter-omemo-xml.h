/* natter-omemo-xml.h: the OMEMO elements: <encrypted/>, bundles and device lists
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "xmpp/xmpp.h"

G_BEGIN_DECLS

/**
 * NATTER_OMEMO_NS_BUNDLES:
 *
 * The PEP node prefix of legacy OMEMO bundles; the device id follows a colon.
 */
#define NATTER_OMEMO_NS_BUNDLES XMPP_NS_OMEMO_LEGACY ".bundles"

/**
 * NATTER_OMEMO_NS_DEVICELIST:
 *
 * The PEP node of legacy OMEMO device lists.
 */
#define NATTER_OMEMO_NS_DEVICELIST XMPP_NS_OMEMO_LEGACY ".devicelist"

/* Limits on what a peer may send; beyond them an element is malformed. */
#define NATTER_OMEMO_MAX_PAYLOAD_BYTES (256 * 1024)
#define NATTER_OMEMO_MAX_KEY_BYTES 4096
#define NATTER_OMEMO_MAX_KEYS 1000
#define NATTER_OMEMO_MAX_DEVICES 1000
#define NATTER_OMEMO_MAX_PRE_KEYS 1000
#define NATTER_OMEMO_DEVICE_ID_MAX 0x7fffffffu

/**
 * NatterOmemoKey:
 * @rid: the receiving device
 * @prekey: whether @data is a PreKeySignalMessage (else a SignalMessage)
 * @data: the libsignal message carrying the payload key
 *
 * One `<key/>` of a header.
 */
typedef struct
{
  guint32   rid;
  gboolean  prekey;
  GBytes   *data;
} NatterOmemoKey;

/**
 * NatterOmemoEncrypted:
 * @sid: the sending device
 * @iv: the payload's IV, 12 or 16 bytes
 * @keys: (element-type NatterOmemoKey): one key per receiving device
 * @payload: (nullable): the AES-GCM ciphertext; %NULL for a key transport element
 *
 * An `<encrypted xmlns='eu.siacs.conversations.axolotl'/>` element.
 */
typedef struct
{
  guint32    sid;
  GBytes    *iv;
  GPtrArray *keys;
  GBytes    *payload;
} NatterOmemoEncrypted;

/**
 * NatterOmemoPreKeyPublic:
 * @id: the pre-key id
 * @public_key: its serialised public key (0x05 ‖ 32 bytes)
 *
 * One `<preKeyPublic/>` of a bundle.
 */
typedef struct
{
  guint32  id;
  GBytes  *public_key;
} NatterOmemoPreKeyPublic;

/**
 * NatterOmemoBundle:
 * @signed_pre_key_id: the signed pre-key's id
 * @signed_pre_key: its serialised public key
 * @signed_pre_key_signature: the identity key's signature over it (64 bytes)
 * @identity_key: the device's serialised public identity key
 * @pre_keys: (element-type NatterOmemoPreKeyPublic): the one-time pre-keys
 *
 * A device's `<bundle/>`.
 */
typedef struct
{
  guint32    signed_pre_key_id;
  GBytes    *signed_pre_key;
  GBytes    *signed_pre_key_signature;
  GBytes    *identity_key;
  GPtrArray *pre_keys;
} NatterOmemoBundle;

NatterOmemoKey       *natter_omemo_key_new             (guint32                rid,
                                                        gboolean               prekey,
                                                        GBytes                *data);
void                  natter_omemo_key_free            (NatterOmemoKey        *key);

NatterOmemoEncrypted *natter_omemo_encrypted_new       (void);
void                  natter_omemo_encrypted_free      (NatterOmemoEncrypted  *encrypted);
NatterOmemoEncrypted *natter_omemo_encrypted_parse     (XmppNode              *node,
                                                        GError               **error);
XmppNode             *natter_omemo_encrypted_to_node   (NatterOmemoEncrypted  *encrypted);
NatterOmemoKey       *natter_omemo_encrypted_find_key  (NatterOmemoEncrypted  *encrypted,
                                                        guint32                rid);

void                  natter_omemo_pre_key_public_free (NatterOmemoPreKeyPublic *pre_key);
NatterOmemoBundle    *natter_omemo_bundle_new          (void);
void                  natter_omemo_bundle_free         (NatterOmemoBundle     *bundle);
NatterOmemoBundle    *natter_omemo_bundle_parse        (XmppNode              *node,
                                                        GError               **error);
XmppNode             *natter_omemo_bundle_to_node      (NatterOmemoBundle     *bundle);

GArray               *natter_omemo_device_list_parse   (XmppNode              *node,
                                                        GError               **error);
XmppNode             *natter_omemo_device_list_to_node (const guint32         *device_ids,
                                                        guint                  n_devices);

GBytes               *natter_omemo_base64_decode       (const char            *text,
                                                        gsize                  max_bytes,
                                                        const char            *what,
                                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoKey, natter_omemo_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoEncrypted, natter_omemo_encrypted_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterOmemoBundle, natter_omemo_bundle_free)

G_END_DECLS
