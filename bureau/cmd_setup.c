#include "cli.h"
const struct cli_command cli_commands_setup[] = {
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
