/* natter-message-list.h: the messages of one conversation, paged in from the store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-message.h"

G_BEGIN_DECLS

/* How many messages a list opens with: a screenful and some. */
#define NATTER_MESSAGE_LIST_PAGE 50

#define NATTER_TYPE_MESSAGE_LIST (natter_message_list_get_type ())

G_DECLARE_FINAL_TYPE (NatterMessageList, natter_message_list, NATTER, MESSAGE_LIST, GObject)

void           natter_message_list_request_older     (NatterMessageList  *self);
guint          natter_message_list_load_older        (NatterMessageList  *self,
                                                      guint               n,
                                                      GError            **error);
gboolean       natter_message_list_get_at_start      (NatterMessageList  *self);
gboolean       natter_message_list_get_loading_older (NatterMessageList  *self);
NatterMessage *natter_message_list_lookup            (NatterMessageList  *self,
                                                      gint64              message_id);

G_END_DECLS
