"""workitems"""
