"""The Streamlit views: they read state, call one service, and render its result."""
