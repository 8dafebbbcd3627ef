/* natter-messaging.h: the send and receive pipelines of one account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-conversation-list.h"
#include "natter-core-types.h"

G_BEGIN_DECLS

#define NATTER_TYPE_MESSAGING (natter_messaging_get_type ())

G_DECLARE_FINAL_TYPE (NatterMessaging, natter_messaging, NATTER, MESSAGING, GObject)

NatterMessaging *natter_messaging_new              (NatterAccount          *account,
                                                    NatterConversationList *conversations)
                 G_GNUC_WARN_UNUSED_RESULT;
NatterAccount   *natter_messaging_get_account      (NatterMessaging        *self);
gboolean         natter_messaging_get_syncing      (NatterMessaging        *self);
guint            natter_messaging_get_n_in_flight  (NatterMessaging        *self);
void             natter_messaging_set_privacy      (NatterMessaging        *self,
                                                    gboolean                send_receipts,
                                                    gboolean                send_markers);
gboolean         natter_messaging_get_send_markers (NatterMessaging        *self);

G_END_DECLS
