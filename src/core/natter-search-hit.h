/* natter-search-hit.h: one message found by a search, with its conversation
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "natter-conversation.h"
#include "natter-message.h"

G_BEGIN_DECLS

#define NATTER_TYPE_SEARCH_HIT (natter_search_hit_get_type ())

G_DECLARE_FINAL_TYPE (NatterSearchHit, natter_search_hit, NATTER, SEARCH_HIT, GObject)

NatterSearchHit    *natter_search_hit_new              (NatterConversation *conversation,
                                                        NatterMessage      *message)
                    G_GNUC_WARN_UNUSED_RESULT;
NatterConversation *natter_search_hit_get_conversation (NatterSearchHit    *self);
NatterMessage      *natter_search_hit_get_message      (NatterSearchHit    *self);

G_END_DECLS
