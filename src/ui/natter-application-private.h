/* natter-application-private.h: NatterApplication across its files
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "natter-application.h"
#include "natter-notifier.h"

G_BEGIN_DECLS

struct _NatterApplication
{
  AdwApplication     parent_instance;

  NatterAccountList      *accounts;
  NatterConversationList *conversations;
  GHashTable             *messaging;  /* NatterAccount * → NatterMessaging */
  NatterNotifier         *notifier;
  GSettings              *settings;
  GError                 *error;      /* why the store could not be opened */
  gboolean                connected;  /* the accounts were connected */
};

/* natter-application-cli.c: `natter --add-account` */
void natter_application_add_cli_options      (NatterApplication       *self);
int  natter_application_handle_local_options (GApplication            *app,
                                              GVariantDict            *options);
int  natter_application_command_line         (GApplication            *app,
                                              GApplicationCommandLine *command_line);

G_END_DECLS
