"""Practice for staff: the conflict-case library, scripted role-play scenarios, and scoring of a trainee's replies.

Nothing here writes to ``queries`` or ``feedback``: practice words never reach 热点问题 or 知识缺口.
"""
