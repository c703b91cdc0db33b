"""The bot's cogs. The extensions (``bot.EXTENSIONS``; each ends in ``async def setup(bot)``) are
players, gm, turns and admin; common, render, views, voices, chart and chart_process are helpers,
never loaded as extensions. No module here imports ``bot`` at run time."""
