"""The recommendation/assignment register: records, follow-up links, views and exports."""
