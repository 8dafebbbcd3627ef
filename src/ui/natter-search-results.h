/* natter-search-results.h: messages that match the sidebar's search
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_SEARCH_RESULTS (natter_search_results_get_type ())

G_DECLARE_FINAL_TYPE (NatterSearchResults, natter_search_results, NATTER, SEARCH_RESULTS, AdwBin)

GtkWidget  *natter_search_results_new      (NatterConversationList *conversations);
void        natter_search_results_set_text (NatterSearchResults    *self,
                                            const char             *text);
GListModel *natter_search_results_get_hits (NatterSearchResults    *self);

G_END_DECLS
