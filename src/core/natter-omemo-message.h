/* natter-omemo-message.h: OMEMO in one message: opening what arrives, sealing what goes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-omemo.h"

G_BEGIN_DECLS

/* The body other clients show instead of an OMEMO message they cannot
 * read; the text Conversations, Dino and Gajim send. */
#define NATTER_OMEMO_FALLBACK_BODY \
  "I sent you an OMEMO encrypted message but your client doesn’t seem to support that. " \
  "Find more information on https://conversations.im/omemo"

gboolean natter_omemo_message_open (NatterOmemo        *omemo,
                                    XmppMessage        *message,
                                    NatterStoreMessage *record);
gboolean natter_omemo_message_take_key_transport (NatterOmemo *omemo,
                                                  XmppMessage *message);
void     natter_omemo_message_seal (XmppNode           *stanza,
                                    XmppNode           *encrypted);
XmppNode *natter_omemo_message_build_key_transport (const char           *to,
                                                    NatterOmemoEncrypted *encrypted)
          G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
