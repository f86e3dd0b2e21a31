"""Open data and internal exports: findings, visits (with tracks) and projects."""
