/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-engine.h"
#include "pigeon-tool-engine.h"

G_BEGIN_DECLS

/* The engine over the store in the XDG data directory, with passwords
 * asked for on the terminal (or read from standard input) when neither
 * memory nor the Secret Service has them. */
PigeonEngine *pigeon_tool_engine_open (GError **error);
/* Runs the main loop until *@result is set by pigeon_tool_engine_got(). */
void pigeon_tool_engine_wait (GAsyncResult **result);
void pigeon_tool_engine_got (GObject *source, GAsyncResult *result, gpointer user_data);
/* The engine, with the account named @name in *@account; NULL when either
 * fails. */
PigeonEngine *pigeon_tool_engine_open_account (const char *name, PigeonAccount **account, GError **error);

G_END_DECLS
